package dev.vmpools.scheduler.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * ({@link #split}), unless a link changed since the component was read. The caches hold a change a moment before
 * its event reaches the index: a group whose objects are not all linked yet is read by a walk instead
 * ({@link #linksOf}), so that no plan ever sees a VM without the requests that hold it.
 */
public final class GroupIndex {
    private final Map<GroupNode, Set<GroupNode>> components = new HashMap<>();
    /** By uid, the version of each object whose links are merged (the caches may hold a newer one for a moment). */
    private final Map<String, HasMetadata> linked = new HashMap<>();
    private long version;

    /** A component as it was read, with the index's version at that moment. */
    public record Component(Set<GroupNode> nodes, long version) {
        public Component {
            nodes = Set.copyOf(nodes);
        }
    }

    /** Puts the nodes a change of {@code object} touches into one component; {@code object} as it is now. */
    synchronized void link(Collection<GroupNode> nodes, HasMetadata object) {
        linked.put(object.getMetadata().getUid(), object);
        link(nodes);
    }

    /** Forgets a deleted object (its nodes stay linked until a plan splits them off). */
    synchronized void forget(HasMetadata object) {
        linked.remove(object.getMetadata().getUid());
    }

    /**
     * Whether the links of exactly these objects (as the caches hold them) are merged: false while the caches
     * hold a version whose event has not reached the index yet; a component read then may miss a link.
     */
    synchronized boolean linksOf(Collection<? extends HasMetadata> objects) {
        for (HasMetadata object : objects) {
            if (linked.get(object.getMetadata().getUid()) != object) {
                return false;
            }
        }
        return true;
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
