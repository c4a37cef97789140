package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.vmpools.webhook.Webhook;
import dev.vmpools.webhook.WebhookConfig;
import dev.vmpools.webhook.tls.TlsMaterial;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.helidon.webserver.WebServer;
import org.awaitility.Awaitility;

/**
 * The webhook alone in a JVM, as the Deployment runs it ({@link Webhook#start(WebhookConfig, KubernetesClient)},
 * TLS from PEM files): started by a benchmark with the Deployment's JVM flags so that its memory can be read.
 * Beside it, on a port of its own with the same certificate, the least a webhook can do ({@link AllowingService}),
 * as the baseline of the API server's calls. Prints {@code READY <port> <allowing-port>} once the caches have
 * synced and stops when its standard input closes.
 *
 * <p>Arguments: {@code <api-server-url> <api-server-ca.pem> <token-file> <tls-key.pem> <tls-chain.pem> <pool-namespaces>}.
 */
public final class WebhookProcessMain {

    private WebhookProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(args[0])
                .withCaCertFile(args[1])
                .withOauthToken(Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip())
                .withRequestTimeout(30_000)
                .build();
        WebServer allowing = WebServer.builder().host("127.0.0.1").port(0)
                .tls(TlsMaterial.fromFiles(Path.of(args[3]), Path.of(args[4])).tls())
                .routing(routing -> routing.register(new AllowingService()))
                .build()
                .start();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
             Webhook webhook = Webhook.start(WebhookConfig.from(Map.of("host", "127.0.0.1", "port", "0",
                     "tls-key-file", args[3], "tls-cert-file", args[4], "pool-namespaces", args[5])), client)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(webhook::cachesSynced);
            System.out.println("READY " + webhook.port() + " " + allowing.port());
            System.out.flush();
            waitForEndOfInput();
        } finally {
            allowing.stop();
        }
    }

    private static void waitForEndOfInput() throws IOException {
        byte[] buffer = new byte[256];
        while (System.in.read(buffer) >= 0) {
            // the benchmark says nothing; the end of input means stop
        }
    }
}
