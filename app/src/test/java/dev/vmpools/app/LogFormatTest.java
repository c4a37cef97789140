package dev.vmpools.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void textLineNamesTimeLevelComponentAndMessage() {
        String line = new LogFormat(false).format(record("vmop-dev/alice-test-vms: assigned vm-1"));

        assertThat(line).isEqualTo("2026-11-24T10:15:30.123Z INFO    scheduler.Reconciler: vmop-dev/alice-test-vms: assigned vm-1\n");
    }

    @Test
    void jsonLineIsOneEscapedObject() {
        String line = new LogFormat(true).format(record("quote \" backslash \\ newline \n tab \t bell \u0007"));

        assertThat(line).isEqualTo("{\"time\":\"2026-11-24T10:15:30.123Z\",\"level\":\"INFO\",\"logger\":\"dev.vmpools.scheduler.Reconciler\","
                + "\"message\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007\"}\n");
        assertThat(line.strip()).doesNotContain("\n");
    }

    private static LogRecord record(String message) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setInstant(Instant.parse("2026-11-24T10:15:30.123Z"));
        record.setLoggerName("dev.vmpools.scheduler.Reconciler");
        return record;
    }
}
