package dev.vmpools.webhook.tls;

/** Key or certificate material that cannot be served; the message says which and why. */
public final class TlsMaterialException extends Exception {

    public TlsMaterialException(String message) {
        super(message);
    }

    public TlsMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
