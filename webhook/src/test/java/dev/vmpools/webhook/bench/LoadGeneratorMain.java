package dev.vmpools.webhook.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An open-loop load generator, run as a process of its own so that it shares no JVM (heap, JIT, carrier
 * threads) with the server it measures. It keeps {@code --connections} HTTP/1.1 keep-alive TLS connections, one
 * virtual thread each, and POSTs a fixed body on the schedule of each phase: request {@code i} is due at
 * {@code start + i / rate}, and its latency runs from that due time, so a stalled server is charged for
 * every request it held up (no coordinated omission). A phase with rate 0 is closed-loop saturation: every
 * connection sends again as soon as it has its answer. A connection the server asks to close
 * ({@code Connection: close}) is opened again, and the handshake counts in the next request's latency.
 *
 * <p>Arguments: {@code <port> <ca.pem> <connections> <phase>...}, each phase
 * {@code name;path;body-file;expected-text;rate-per-second;seconds}. Phases of the same name are reported
 * together; names starting with {@code warmup} are not reported. Prints one line per phase name on stdout:
 * {@code RESULT name=... completed=... failed=... unexpected=... seconds=... throughput=... p50=... p99=... cpuPressure=...}
 * (latencies in microseconds; cpuPressure: the percentage of the phases' time in which some task on the machine
 * waited for a CPU, -1 when the kernel does not tell).
 */
public final class LoadGeneratorMain {

    private LoadGeneratorMain() {
    }

    record Phase(String name, String path, byte[] body, byte[] expected, double rate, double seconds) {
        static Phase parse(String text) throws IOException {
            String[] parts = text.split(";", -1);
            if (parts.length != 6) {
                throw new IllegalArgumentException("a phase is name;path;body-file;expected-text;rate;seconds, not " + text);
            }
            return new Phase(parts[0], parts[1], Files.readAllBytes(Path.of(parts[2])),
                    parts[3].getBytes(StandardCharsets.UTF_8), Double.parseDouble(parts[4]), Double.parseDouble(parts[5]));
        }

        boolean saturation() {
            return rate <= 0;
        }
    }

    /** What the phases of one name measured. */
    static final class Totals {
        final Latencies latency = new Latencies();
        final Latencies service = new Latencies();
        final Latencies lag = new Latencies();
        long offered;
        long completed;
        long failed;
        long unexpected;
        long nanos;
        long stalledMicros;
        long wallNanos;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        SSLContext tls = trusting(Path.of(args[1]));
        int connections = Integer.parseInt(args[2]);
        List<Phase> phases = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            phases.add(Phase.parse(args[i]));
        }

        List<Connection> pool = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            pool.add(new Connection(tls, port));
        }
        Map<String, Totals> totals = new LinkedHashMap<>();
        for (Phase phase : phases) {
            Totals t = totals.computeIfAbsent(phase.name(), name -> new Totals());
            long began = System.nanoTime();
            CpuPressure before = CpuPressure.now();
            run(phase, pool, t);
            CpuPressure after = CpuPressure.now();
            long stalled = after.stalledMicrosSince(before);
            t.stalledMicros = stalled < 0 || t.stalledMicros < 0 ? -1 : t.stalledMicros + stalled;
            t.wallNanos += System.nanoTime() - began;
            System.err.printf(Locale.ROOT, "load: %s at %s/s for %s s done in %.1f s%n", phase.name(),
                    phase.saturation() ? "max" : (long) phase.rate(), phase.seconds(), (System.nanoTime() - began) / 1e9);
        }
        for (Connection connection : pool) {
            connection.close();
        }
        totals.forEach((name, t) -> {
            if (!name.startsWith("warmup")) {
                System.out.println(result(name, t));
            }
        });
        System.out.flush();
    }

    private static String result(String name, Totals t) {
        double seconds = t.nanos / 1e9;
        return String.format(Locale.ROOT,
                "RESULT name=%s offered=%d completed=%d failed=%d unexpected=%d seconds=%.3f throughput=%.1f"
                        + " p50=%.1f p90=%.1f p99=%.1f p999=%.1f max=%.1f mean=%.1f serviceP50=%.1f serviceP99=%.1f lagP99=%.1f"
                        + " cpuPressure=%.1f",
                name, t.offered, t.completed, t.failed, t.unexpected, seconds, t.completed / seconds,
                t.latency.percentile(50) / 1e3, t.latency.percentile(90) / 1e3, t.latency.percentile(99) / 1e3,
                t.latency.percentile(99.9) / 1e3, t.latency.max() / 1e3, t.latency.meanNanos() / 1e3,
                t.service.percentile(50) / 1e3, t.service.percentile(99) / 1e3, t.lag.percentile(99) / 1e3,
                t.stalledMicros < 0 ? -1 : 100 * t.stalledMicros / (t.wallNanos / 1e3));
    }

    private static void run(Phase phase, List<Connection> pool, Totals totals) throws InterruptedException {
        byte[] request = request(phase);
        long total = phase.saturation() ? Long.MAX_VALUE : Math.round(phase.rate() * phase.seconds());
        double interval = phase.saturation() ? 0 : 1e9 / phase.rate();
        long start = System.nanoTime() + 10_000_000L;
        long end = start + (long) (phase.seconds() * 1e9);
        AtomicInteger next = new AtomicInteger();
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Connection connection : pool) {
            Worker worker = new Worker(connection, request, phase.expected());
            workers.add(worker);
            threads.add(Thread.ofVirtual().name("load-" + threads.size()).start(() -> {
                while (true) {
                    long i = next.getAndIncrement();
                    long due;
                    if (phase.saturation()) {
                        due = Math.max(System.nanoTime(), start);
                        if (due >= end) {
                            return;
                        }
                    } else {
                        if (i >= total) {
                            return;
                        }
                        due = start + (long) (i * interval);
                    }
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    worker.send(due);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long last = start;
        for (Worker worker : workers) {
            totals.latency.addAll(worker.latency);
            totals.service.addAll(worker.service);
            totals.lag.addAll(worker.lag);
            totals.completed += worker.completed;
            totals.failed += worker.failed;
            totals.unexpected += worker.unexpected;
            last = Math.max(last, worker.lastEnd);
        }
        totals.offered += phase.saturation() ? workers.stream().mapToLong(w -> w.completed + w.failed).sum() : total;
        totals.nanos += phase.saturation() ? end - start : last - start;
    }

    private static byte[] request(Phase phase) {
        String head = "POST " + phase.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: application/json\r\nContent-Length: " + phase.body().length + "\r\n\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(phase.body());
        return bytes.toByteArray();
    }

    /** One connection's share of a phase. */
    private static final class Worker {
        private final Connection connection;
        private final byte[] request;
        private final byte[] expected;
        final Latencies latency = new Latencies();
        final Latencies service = new Latencies();
        final Latencies lag = new Latencies();
        long completed;
        long failed;
        long unexpected;
        long lastEnd;

        Worker(Connection connection, byte[] request, byte[] expected) {
            this.connection = connection;
            this.request = request;
            this.expected = expected;
        }

        void send(long due) {
            long sent = System.nanoTime();
            try {
                Connection.Response response = connection.exchange(request);
                long done = System.nanoTime();
                latency.add(done - due);
                service.add(done - sent);
                lag.add(sent - due);
                lastEnd = done;
                completed++;
                if (response.status() != 200 || !contains(response.body(), expected)) {
                    if (unexpected++ == 0) {
                        System.err.println("load: unexpected answer " + response.status() + ": "
                                + new String(response.body(), StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                lastEnd = System.nanoTime();
                if (failed++ == 0) {
                    System.err.println("load: request failed: " + e);
                }
                connection.close();
            }
        }

        private static boolean contains(byte[] body, byte[] text) {
            outer:
            for (int i = 0; i <= body.length - text.length; i++) {
                for (int j = 0; j < text.length; j++) {
                    if (body[i + j] != text[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    /** A keep-alive HTTP/1.1 connection over TLS, opened again when the server closes it. */
    private static final class Connection {
        record Response(int status, byte[] body) {
        }

        private final SSLContext tls;
        private final int port;
        private SSLSocket socket;
        private InputStream in;
        private OutputStream out;

        Connection(SSLContext tls, int port) {
            this.tls = tls;
            this.port = port;
        }

        Response exchange(byte[] request) throws IOException {
            if (socket == null) {
                open();
            }
            out.write(request);
            out.flush();
            int status = Integer.parseInt(line().split(" ", 3)[1]);
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> {
                    }
                }
            }
            byte[] body = chunked ? chunks() : in.readNBytes(Math.max(length, 0));
            if (close) {
                close();
            }
            return new Response(status, body);
        }

        private void open() throws IOException {
            socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        private byte[] chunks() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.writeBytes(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers are not used
            }
            return body.toByteArray();
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed by the server");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a connection that failed: nothing left to do with it
                }
                socket = null;
            }
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
