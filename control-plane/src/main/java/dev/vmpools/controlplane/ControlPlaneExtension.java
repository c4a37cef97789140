package dev.vmpools.controlplane;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one {@link ControlPlane} per test JVM, shared by every test class and
 * stopped when the JVM's test run ends, and one {@link TestNamespace} per test class. Test methods,
 * constructors and lifecycle methods may take either as a parameter.
 */
public final class ControlPlaneExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ControlPlaneExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ControlPlane plane = controlPlane(context);
        String name = namespaceName(context.getRequiredTestClass());
        plane.client(TestUser.ROOT).namespaces()
                .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        context.getStore(STORE).put(TestNamespace.class, new TestNamespace(name));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestNamespace namespace = context.getStore(STORE).remove(TestNamespace.class, TestNamespace.class);
        if (namespace != null) {
            // Deleted in the background: the namespace controller finishes it while other classes run.
            controlPlane(context).client(TestUser.ROOT).namespaces().withName(namespace.name()).delete();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ControlPlane.class || type == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == ControlPlane.class) {
            return controlPlane(context);
        }
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            TestNamespace namespace = c.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
            if (namespace != null) {
                return namespace;
            }
        }
        throw new IllegalStateException("no test namespace: use @ExtendWith(ControlPlaneExtension.class) on the class");
    }

    /** The control plane of this test JVM, started on first use and closed by JUnit at the end of the run. */
    public static ControlPlane controlPlane(ExtensionContext context) {
        return context.getRoot().getStore(STORE)
                .getOrComputeIfAbsent(ControlPlane.class, key -> ControlPlane.start(), ControlPlane.class);
    }

    static String namespaceName(Class<?> testClass) {
        String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        return (base.length() > 50 ? base.substring(0, 50) : base) + "-" + suffix;
    }
}
