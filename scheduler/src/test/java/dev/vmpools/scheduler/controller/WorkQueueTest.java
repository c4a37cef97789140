package dev.vmpools.scheduler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.scheduler.cluster.GroupNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
    private static final GroupNode POOL_A = GroupNode.pool("ns", "a");
    private static final GroupNode POOL_B = GroupNode.pool("ns", "b");
    private static final GroupNode VM_1 = GroupNode.vm("ns", "vm-1");
    private static final GroupNode OTHER = GroupNode.pool("ns", "other");

    private final WorkQueue queue = new WorkQueue();

    @Test
    void handsOutEachNodeOnceHoweverOftenItChanged() throws InterruptedException {
        queue.add(List.of(POOL_A, VM_1));
        queue.add(List.of(POOL_A));

        assertThat(queue.take()).contains(POOL_A);
        assertThat(queue.take()).contains(VM_1);
        assertThat(queue.size()).isZero();
    }

    @Test
    void claimingAGroupDropsItsOtherPendingNodesBecauseThePlanReadsTheirChange() throws InterruptedException {
        queue.add(List.of(POOL_A, VM_1, OTHER));
        GroupNode taken = queue.take().orElseThrow();

        assertThat(queue.claim(taken, Set.of(POOL_A, VM_1, POOL_B))).isTrue();

        assertThat(queue.take()).contains(OTHER);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aNodeTouchedWhileItsGroupIsPlannedIsPlannedAgainAfterwards() throws InterruptedException {
        queue.add(List.of(POOL_A));
        GroupNode taken = queue.take().orElseThrow();
        queue.claim(taken, Set.of(POOL_A, VM_1));
        queue.add(List.of(VM_1));
        assertThat(queue.size()).isEqualTo(1);

        queue.release(Set.of(POOL_A, VM_1));

        assertThat(queue.take()).contains(VM_1);
    }

    @Test
    void anOverlappingGroupWaitsUntilTheFirstIsReleased() throws InterruptedException {
        queue.add(List.of(POOL_A, POOL_B));
        GroupNode first = queue.take().orElseThrow();
        GroupNode second = queue.take().orElseThrow();
        assertThat(queue.claim(first, Set.of(POOL_A, VM_1))).isTrue();

        // Meanwhile VM-1 joined pool b: b's group now overlaps a's.
        assertThat(queue.claim(second, Set.of(POOL_B, VM_1, POOL_A))).isFalse();
        queue.release(Set.of(POOL_A, VM_1));

        assertThat(queue.take()).contains(POOL_B);
        assertThat(queue.claim(POOL_B, Set.of(POOL_B, VM_1, POOL_A))).isTrue();
    }

    @Test
    void whilePausedNothingIsHandedOutButEverythingIsKept() throws InterruptedException {
        queue.pause();
        queue.add(List.of(POOL_A));
        Thread taker = Thread.ofVirtual().start(() -> {
            try {
                queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> taker.getState() == Thread.State.WAITING);
        assertThat(queue.size()).as("nothing taken").isEqualTo(1);
        queue.resume();
        assertThat(taker.join(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void closingEndsEveryWaitingWorker() throws InterruptedException {
        AtomicReference<Optional<GroupNode>> result = new AtomicReference<>();
        Thread taker = Thread.ofVirtual().start(() -> {
            try {
                result.set(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.close();
        assertThat(taker.join(Duration.ofSeconds(5))).isTrue();
        assertThat(result.get()).isEmpty();
    }
}
