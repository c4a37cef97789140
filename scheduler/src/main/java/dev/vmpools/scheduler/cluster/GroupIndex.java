package dev.vmpools.scheduler.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The planning groups as the informer events link them, so that reading a group costs its size instead of a
 * walk over the caches. Every change merges the nodes it touches (those of the object before and after) into
 * one component. Components only grow from events, so each is a superset of a planning group: that is safe,
 * because the planner splits what it reads into the true groups (DESIGN §4.2); it only costs time. A plan that
 * finds its component apart, or holding nodes no object names any more, hands back the parts it found
 * ({@link #split}), unless a link changed since the component was read.
 */
public final class GroupIndex {
    private final Map<GroupNode, Set<GroupNode>> components = new HashMap<>();
    private long version;

    /** A component as it was read, with the index's version at that moment. */
    public record Component(Set<GroupNode> nodes, long version) {
        public Component {
            nodes = Set.copyOf(nodes);
        }
    }

    /** Puts the nodes into one component. */
    synchronized void link(Collection<GroupNode> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        version++;
        Set<GroupNode> largest = null;
        for (GroupNode node : nodes) {
            Set<GroupNode> component = components.get(node);
            if (component != null && (largest == null || component.size() > largest.size())) {
                largest = component;
            }
        }
        Set<GroupNode> target = largest == null ? new HashSet<>() : largest;
        for (GroupNode node : nodes) {
            Set<GroupNode> component = components.get(node);
            if (component == target) {
                continue;
            }
            if (component == null) {
                target.add(node);
                components.put(node, target);
            } else {
                for (GroupNode member : component) {
                    target.add(member);
                    components.put(member, target);
                }
            }
        }
    }

    /** The component of a node; a node no event has named yet stands alone. */
    synchronized Component component(GroupNode node) {
        Set<GroupNode> component = components.get(node);
        return new Component(component == null ? Set.of(node) : component, version);
    }

    /**
     * Replaces a component by the parts a plan found in it; nodes in no part are forgotten, nodes outside the
     * component are left where they are. Ignored when any link changed since the component was read (the parts
     * may miss it).
     */
    synchronized void split(Component read, List<Set<GroupNode>> parts) {
        if (read.version() != version) {
            return;
        }
        for (GroupNode node : read.nodes()) {
            components.remove(node);
        }
        for (Set<GroupNode> part : parts) {
            Set<GroupNode> component = new HashSet<>(part);
            component.retainAll(read.nodes());
            component.forEach(node -> components.put(node, component));
        }
        version++;
    }

    /** How many nodes the index knows, for tests. */
    synchronized int size() {
        return components.size();
    }
}
