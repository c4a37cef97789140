package dev.vmpools.webhook.admission;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** AdmissionReview JSON as the API server sends it, from {@code src/test/resources/admission}. */
public final class Fixtures {

    /** Alice's VmAssignment CREATE as the mutating webhook receives it (kubectl apply). */
    public static final String ASSIGNMENT_CREATE_MUTATE = "vmassignment-create-mutate.json";
    /** The same CREATE after mutation, as the validating webhook receives it. */
    public static final String ASSIGNMENT_CREATE_VALIDATE = "vmassignment-create-validate.json";
    /** Alice deleting Bob's VmAssignment. */
    public static final String ASSIGNMENT_DELETE = "vmassignment-delete.json";
    /** An admin creating a VmPool. */
    public static final String POOL_CREATE = "vmpool-create.json";

    private Fixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/admission/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AdmissionRequest request(String name) {
        return switch (new AdmissionReviews().parse(bytes(name))) {
            case AdmissionReviews.Parsed.Review review -> review.request();
            case AdmissionReviews.Parsed parsed -> throw new IllegalStateException(name + " does not parse: " + parsed);
        };
    }
}
