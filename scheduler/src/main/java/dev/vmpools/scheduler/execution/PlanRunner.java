package dev.vmpools.scheduler.execution;

import dev.vmpools.scheduler.assignment.Action;
import dev.vmpools.scheduler.assignment.ActionChain;
import dev.vmpools.scheduler.cluster.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Performs a plan's chains: each in order, stopping at the first write that does not go through; different
 * chains (different VMs) at the same time, on virtual threads.
 */
public final class PlanRunner implements AutoCloseable {

    /** Performs one action; {@link ClusterWriter#perform} in production, a fake in tests. */
    @FunctionalInterface
    public interface Writer {
        WriteOutcome perform(String namespace, Action action, Function<ObjectKey, Optional<String>> planned);
    }

    /** One action and what became of it. */
    public record Performed(Action action, WriteOutcome outcome) {
    }

    /**
     * What became of one chain.
     *
     * @param performed the actions tried, in order; the last one stopped the chain if {@link #stopped()}
     */
    public record ChainResult(ActionChain chain, List<Performed> performed) {
        public ChainResult {
            Objects.requireNonNull(chain, "chain");
            performed = List.copyOf(performed);
        }

        /** The outcome that ended the chain early, if one did. */
        public Optional<WriteOutcome> stopped() {
            return performed.isEmpty() || performed.getLast().outcome().chainGoesOn()
                    ? Optional.empty()
                    : Optional.of(performed.getLast().outcome());
        }
    }

    private final Writer writer;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public PlanRunner(Writer writer) {
        this.writer = writer;
    }

    /** Runs the chains and waits for all of them. */
    public List<ChainResult> run(String namespace, List<ActionChain> chains,
            Function<ObjectKey, Optional<String>> planned) throws InterruptedException {
        if (chains.size() == 1) {
            return List.of(runChain(namespace, chains.getFirst(), planned));
        }
        List<Future<ChainResult>> running = new ArrayList<>();
        for (ActionChain chain : chains) {
            running.add(threads.submit(() -> runChain(namespace, chain, planned)));
        }
        List<ChainResult> results = new ArrayList<>();
        for (Future<ChainResult> result : running) {
            try {
                results.add(result.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a chain of writes failed unexpectedly", e.getCause());
            }
        }
        return results;
    }

    private ChainResult runChain(String namespace, ActionChain chain, Function<ObjectKey, Optional<String>> planned) {
        List<Performed> performed = new ArrayList<>();
        for (Action action : chain.actions()) {
            WriteOutcome outcome = writer.perform(namespace, action, planned);
            performed.add(new Performed(action, outcome));
            if (!outcome.chainGoesOn()) {
                break;
            }
        }
        return new ChainResult(chain, performed);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
