package dev.vmpools.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.helidon.common.tls.Tls;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFileWatcherTest {

    @TempDir
    Path dir;

    private final List<Tls> swapped = new ArrayList<>();
    private final TestCertificates.Issued first = TestCertificates.selfSigned("first");
    private TlsReloader reloader;
    private TlsFileWatcher watcher;

    @BeforeEach
    void serveFirst() throws Exception {
        write(first.keyPem(), first.chainPem());
        reloader = new TlsReloader(first.material(), swapped::add);
        watcher = new TlsFileWatcher(dir.resolve("tls.key"), dir.resolve("tls.crt"), reloader);
    }

    @Test
    void filesWithTheServedMaterialChangeNothing() {
        assertThat(watcher.poll()).isEqualTo(TlsFileWatcher.Poll.UNCHANGED);
        assertThat(watcher.poll()).isEqualTo(TlsFileWatcher.Poll.UNCHANGED);
        assertThat(swapped).isEmpty();
    }

    @Test
    void newFilesAreServed() throws Exception {
        TestCertificates.Issued second = TestCertificates.issuedByCa("second");
        write(second.keyPem(), second.chainPem());
        assertThat(watcher.poll()).isEqualTo(TlsFileWatcher.Poll.RELOADED);
        assertThat(swapped).hasSize(1);
        assertThat(reloader.serving().serial()).isEqualTo(second.serial());
    }

    @Test
    void halfWrittenRotationKeepsTheServedCertificateUntilComplete() throws Exception {
        TestCertificates.Issued second = TestCertificates.selfSigned("second");
        write(second.keyPem(), first.chainPem());
        assertThat(watcher.poll()).isEqualTo(TlsFileWatcher.Poll.INVALID);
        assertThat(reloader.serving().serial()).isEqualTo(first.serial());

        write(second.keyPem(), second.chainPem());
        assertThat(watcher.poll()).isEqualTo(TlsFileWatcher.Poll.RELOADED);
        assertThat(reloader.serving().serial()).isEqualTo(second.serial());
    }

    @Test
    void missingFilesKeepTheServedCertificate() throws Exception {
        Files.delete(dir.resolve("tls.crt"));
        assertThat(watcher.poll()).isEqualTo(TlsFileWatcher.Poll.INVALID);
        assertThat(reloader.serving().serial()).isEqualTo(first.serial());
        assertThat(swapped).isEmpty();
    }

    @Test
    void aFailedSwapKeepsDescribingTheServedCertificate() {
        TlsReloader failing = new TlsReloader(first.material(), tls -> {
            throw new IllegalStateException("reloadTls failed");
        });
        assertThatThrownBy(() -> failing.offer(TestCertificates.selfSigned("second").material()))
                .hasMessage("reloadTls failed");
        assertThat(failing.serving().serial()).isEqualTo(first.serial());
    }

    @Test
    void offeringTheServedMaterialAgainIsNoSwap() {
        assertThat(reloader.offer(first.material())).isFalse();
        assertThat(swapped).isEmpty();
    }

    private void write(byte[] key, byte[] chain) throws Exception {
        Files.write(dir.resolve("tls.key"), key);
        Files.write(dir.resolve("tls.crt"), chain);
    }
}
