package dev.vmpools.scheduler.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A small HTTP server: {@code GET /health/live} (200 while the scheduler's workers run), {@code /health/ready}
 * (200 once the caches have synced) and {@code /metrics} (Prometheus text format). Plain HTTP: it carries no
 * secrets, and the NetworkPolicy limits who reaches it.
 */
public final class HealthServer implements AutoCloseable {
    private static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening on every address at {@code port} (0 for any free port). */
    public static HealthServer start(int port, BooleanSupplier live, BooleanSupplier ready,
            PrometheusMeterRegistry registry) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        HealthServer health = new HealthServer(server);
        server.setExecutor(health.threads);
        server.createContext("/health/live", exchange -> check(exchange, live, "live"));
        server.createContext("/health/ready", exchange -> check(exchange, ready, "ready"));
        server.createContext("/metrics", exchange -> {
            if (notFoundOrWrongMethod(exchange, "/metrics")) {
                return;
            }
            send(exchange, 200, METRICS_TYPE, registry.scrape());
        });
        server.start();
        return health;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void check(HttpExchange exchange, BooleanSupplier check, String what) throws IOException {
        if (notFoundOrWrongMethod(exchange, "/health/" + what)) {
            return;
        }
        boolean ok = check.getAsBoolean();
        send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? what + "\n" : "not " + what + "\n");
    }

    private static boolean notFoundOrWrongMethod(HttpExchange exchange, String path) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return true;
        }
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return true;
        }
        return false;
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }
}
