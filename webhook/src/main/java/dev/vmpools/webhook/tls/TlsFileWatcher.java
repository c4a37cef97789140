package dev.vmpools.webhook.tls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Polls a key and a chain file (such as a mounted TLS Secret) and hands changed, valid material to the
 * {@link TlsReloader}. Polling compares content, which works with the kubelet's symlink swaps where
 * modification times and file events do not; unreadable or mismatched files (a rotation caught halfway)
 * leave the current certificate in place and are reported once per content.
 */
public final class TlsFileWatcher {

    private static final System.Logger LOG = System.getLogger(TlsFileWatcher.class.getName());

    private final Path keyFile;
    private final Path chainFile;
    private final TlsReloader reloader;
    private byte[] lastKey = new byte[0];
    private byte[] lastChain = new byte[0];
    private String lastProblem = "";

    /** The result of one poll. */
    public enum Poll {
        /** The files hold what was seen last time. */
        UNCHANGED,
        /** New material is served now. */
        RELOADED,
        /** The files changed but cannot be served (yet); the previous certificate stays. */
        INVALID
    }

    public TlsFileWatcher(Path keyFile, Path chainFile, TlsReloader reloader) {
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        this.chainFile = Objects.requireNonNull(chainFile, "chainFile");
        this.reloader = Objects.requireNonNull(reloader, "reloader");
    }

    public synchronized Poll poll() {
        byte[] key;
        byte[] chain;
        try {
            key = Files.readAllBytes(keyFile);
            chain = Files.readAllBytes(chainFile);
        } catch (IOException e) {
            return problem("cannot read TLS files " + keyFile + " and " + chainFile + " (" + e + ")");
        }
        if (Arrays.equals(key, lastKey) && Arrays.equals(chain, lastChain)) {
            return Poll.UNCHANGED;
        }
        lastKey = key;
        lastChain = chain;
        try {
            boolean reloaded = reloader.offer(TlsMaterial.fromPem(key, chain));
            lastProblem = "";
            return reloaded ? Poll.RELOADED : Poll.UNCHANGED;
        } catch (TlsMaterialException | RuntimeException e) {
            return problem("TLS files " + keyFile + " and " + chainFile + " cannot be served (" + e.getMessage() + ")");
        }
    }

    /** Logs a problem once, not on every poll while it lasts. */
    private Poll problem(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.log(Level.WARNING, problem + "; still serving " + reloader.serving());
            lastProblem = problem;
        }
        return Poll.INVALID;
    }
}
