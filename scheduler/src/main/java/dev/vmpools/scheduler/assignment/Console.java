package dev.vmpools.scheduler.assignment;

import java.time.Instant;
import java.util.Optional;

/**
 * A VM's console as VM-Operator reports it.
 *
 * @param connected {@code ConsoleConnected} is True
 * @param since the condition's {@code lastTransitionTime}: when the console connected or disconnected; null
 *     when unknown
 * @param user {@code status.consoleUser}, who last requested a console; null when none
 */
public record Console(boolean connected, Instant since, String user) {

    /** No console was ever requested. */
    public static final Console NONE = new Console(false, null, null);

    /** Whether {@code name} has the console open now. */
    public boolean inUseBy(String name) {
        return connected && name != null && name.equals(user);
    }

    /** When {@code name} disconnected, if the console's last transition was their disconnect. */
    public Optional<Instant> disconnectOf(String name) {
        return !connected && since != null && name != null && name.equals(user) ? Optional.of(since) : Optional.empty();
    }
}
