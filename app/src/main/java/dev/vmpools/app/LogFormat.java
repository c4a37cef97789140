package dev.vmpools.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on standard error, as plain text or as JSON for log collectors. The
 * components log through {@link System.Logger}, which the JDK routes to java.util.logging.
 */
final class LogFormat extends Formatter {
    private final boolean json;

    LogFormat(boolean json) {
        this.json = json;
    }

    /** Replaces the root handlers with one writing this format at {@code level}. */
    static void install(boolean json, Level level) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new LogFormat(json));
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
    }

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        String thrown = "";
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            thrown = trace.toString().stripTrailing();
        }
        Instant time = record.getInstant();
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (json) {
            return "{\"time\":\"" + time + "\",\"level\":\"" + record.getLevel().getName() + "\",\"logger\":" + quote(logger)
                    + ",\"message\":" + quote(message) + (thrown.isEmpty() ? "" : ",\"error\":" + quote(thrown)) + "}\n";
        }
        String shortLogger = logger.startsWith("dev.vmpools.") ? logger.substring("dev.vmpools.".length()) : logger;
        return time + " " + String.format("%-7s", record.getLevel().getName()) + " " + shortLogger + ": " + message
                + (thrown.isEmpty() ? "" : "\n" + thrown) + "\n";
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
