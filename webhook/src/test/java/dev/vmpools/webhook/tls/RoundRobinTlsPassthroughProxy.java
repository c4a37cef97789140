package dev.vmpools.webhook.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;

/**
 * THE TEST'S OWN round-robin TLS-passthrough TCP proxy, standing in for a Service in front of the webhook
 * replicas (kube-proxy balances connections, not requests): each accepted connection goes to the next
 * backend in turn and bytes are copied both ways untouched, so the TLS handshake is between the API server
 * and the replica. Half-closes are passed on, so a response followed by {@code Connection: close} arrives
 * whole.
 */
final class RoundRobinTlsPassthroughProxy implements AutoCloseable {

    private final List<Integer> backends;
    private final IntConsumer onConnect;
    private final ServerSocket listener;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param backends  ports on 127.0.0.1, taken in turn
     * @param onConnect told the index of the backend each new connection goes to
     */
    RoundRobinTlsPassthroughProxy(List<Integer> backends, IntConsumer onConnect) throws IOException {
        this.backends = List.copyOf(backends);
        this.onConnect = onConnect;
        this.connections = new AtomicLongArray(backends.size());
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections handed to backend {@code index} so far. */
    long connections(int index) {
        return connections.get(index);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (var socket : open) {
            socket.close();
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            int index = Math.floorMod(next.getAndIncrement(), backends.size());
            connections.incrementAndGet(index);
            onConnect.accept(index);
            Thread.ofVirtual().name("proxy-connect").start(() -> connect(client, backends.get(index)));
        }
    }

    private void connect(Socket client, int port) {
        Socket backend;
        try {
            backend = new Socket(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            quietly(client);
            return;
        }
        open.add(client);
        open.add(backend);
        var pumps = new AtomicInteger(2);
        Runnable done = () -> {
            if (pumps.decrementAndGet() == 0) {
                quietly(client);
                quietly(backend);
                open.remove(client);
                open.remove(backend);
            }
        };
        Thread.ofVirtual().name("proxy-up").start(() -> pump(client, backend, done));
        Thread.ofVirtual().name("proxy-down").start(() -> pump(backend, client, done));
    }

    /** Copies until end of stream, then half-closes the other side's output. */
    private static void pump(Socket from, Socket to, Runnable done) {
        try {
            // Not closed here: closing a socket's stream closes the socket, and the other direction may still run.
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            out.flush();
            to.shutdownOutput();
        } catch (IOException e) {
            // A reset on one side: drop the other as well.
            quietly(from);
            quietly(to);
        } finally {
            done.run();
        }
    }

    private static void quietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
