package dev.vmpools.scheduler.controller;

import dev.vmpools.scheduler.cluster.GroupNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The nodes of the pool–VM graph whose planning group must be planned again, each once however often it
 * changed. A worker takes a node, reads its group and claims every node of it: no two workers plan
 * overlapping groups, so planning is serial per group even while groups merge and split. Nodes touched while
 * their group is claimed are planned again once it is released; pending nodes of a claimed group are dropped,
 * because the plan about to be made reads the caches after their change.
 */
public final class WorkQueue {
    private final LinkedHashSet<GroupNode> pending = new LinkedHashSet<>();
    private final Set<GroupNode> claimed = new HashSet<>();
    private final Set<GroupNode> touchedWhileClaimed = new HashSet<>();
    private final List<GroupNode> blocked = new ArrayList<>();
    private boolean paused;
    private boolean closed;

    /** Marks nodes for planning. */
    public synchronized void add(Collection<GroupNode> nodes) {
        boolean added = false;
        for (GroupNode node : nodes) {
            if (claimed.contains(node)) {
                touchedWhileClaimed.add(node);
            } else {
                added |= pending.add(node);
            }
        }
        if (added) {
            notifyAll();
        }
    }

    /** The next node to plan; waits while there is none or the queue is paused; empty once closed. */
    public synchronized Optional<GroupNode> take() throws InterruptedException {
        while (!closed && (paused || pending.isEmpty())) {
            wait();
        }
        if (closed) {
            return Optional.empty();
        }
        Iterator<GroupNode> first = pending.iterator();
        GroupNode node = first.next();
        first.remove();
        return Optional.of(node);
    }

    /**
     * Claims the group {@code nodes} that {@code taken} belongs to. False when another worker plans an
     * overlapping group: {@code taken} is then planned again when that worker releases its group.
     */
    public synchronized boolean claim(GroupNode taken, Set<GroupNode> nodes) {
        for (GroupNode node : nodes) {
            if (claimed.contains(node)) {
                blocked.add(taken);
                return false;
            }
        }
        claimed.addAll(nodes);
        pending.removeAll(nodes);
        return true;
    }

    /** Ends the claim; nodes touched meanwhile, and nodes that waited for any claim, are planned again. */
    public synchronized void release(Set<GroupNode> nodes) {
        claimed.removeAll(nodes);
        for (GroupNode node : nodes) {
            if (touchedWhileClaimed.remove(node)) {
                pending.add(node);
            }
        }
        pending.addAll(blocked);
        blocked.clear();
        notifyAll();
    }

    /** Stops handing out nodes (while another replica leads); nodes keep being collected. */
    public synchronized void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Nodes waiting to be planned. */
    public synchronized int size() {
        return pending.size() + blocked.size() + touchedWhileClaimed.size();
    }
}
