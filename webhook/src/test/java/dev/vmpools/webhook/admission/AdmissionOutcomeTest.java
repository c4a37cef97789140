package dev.vmpools.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdmissionOutcomeTest {

    @Test
    void keepsWarningsOfAtMost120Characters() {
        String exact = "w".repeat(120);
        assertThat(AdmissionOutcome.allowedWithWarnings(exact).warnings()).containsExactly(exact);
    }

    @Test
    void cutsLongerWarningsTo120CharactersEndingInDots() {
        String warning = AdmissionOutcome.allowedWithWarnings("x".repeat(500)).warnings().getFirst();
        assertThat(warning).hasSize(120).endsWith("...").startsWith("xxx");
    }

    @Test
    void replacesControlCharactersInWarnings() {
        assertThat(AdmissionOutcome.allowed().withWarning("no user: grant\nnames bob\t").warnings())
                .containsExactly("no user: grant names bob");
    }

    @Test
    void dropsEmptyWarnings() {
        assertThat(AdmissionOutcome.allowedWithWarnings(" ", "\n").warnings()).isEmpty();
    }

    @Test
    void doesNotSplitASurrogatePairWhenCutting() {
        String warning = "a".repeat(116) + "\uD83D\uDE00" + "b".repeat(10);
        String cut = AdmissionOutcome.allowedWithWarnings(warning).warnings().getFirst();
        assertThat(cut).isEqualTo("a".repeat(116) + "...");
    }

    @ParameterizedTest
    @CsvSource({"403,NoGrant", "422,InvalidRetention", "400,BadAdmissionRequest"})
    void buildsDenialsWithCodeAndReason(int code, String reason) {
        AdmissionOutcome.Denied denied = AdmissionOutcome.denied(code, reason, "what to do",
                AdmissionOutcome.Cause.invalid("spec.user", "bad"));
        assertThat(denied.code()).isEqualTo(code);
        assertThat(denied.reason()).isEqualTo(reason);
        assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).containsExactly("spec.user");
        assertThat(denied.decision()).isEqualTo("denied");
    }

    @Test
    void forbiddenIs403AndInvalidIs422() {
        assertThat(AdmissionOutcome.forbidden("NoGrant", "m").code()).isEqualTo(403);
        assertThat(AdmissionOutcome.invalid("BadRetention", "m").code()).isEqualTo(422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"noGrant", "No grant", "NO_GRANT", "", "Forbidden!"})
    void refusesReasonsThatAreNotPascalCase(String reason) {
        assertThatThrownBy(() -> AdmissionOutcome.forbidden(reason, "message"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 399, 500})
    void refusesDenialCodesOutside4xx(int code) {
        assertThatThrownBy(() -> AdmissionOutcome.denied(code, "NoGrant", "message"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4xx");
    }

    @Test
    void refusesBlankMessages() {
        assertThatThrownBy(() -> AdmissionOutcome.forbidden("NoGrant", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void collectsAuditAnnotations() {
        AdmissionOutcome outcome = AdmissionOutcome.allowed().withPool("test-vms").withAuditAnnotation("reason", "SelfRequest");
        assertThat(outcome.auditAnnotations()).containsEntry("pool", "test-vms").containsEntry("reason", "SelfRequest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmpools.dev/pool", "", "-pool", "pool.", "pool key", "pööl",
        "a234567890123456789012345678901234567890123456789012345678901234"})
    void refusesAuditKeysWithPrefixOrOddCharacters(String key) {
        assertThatThrownBy(() -> AdmissionOutcome.allowed().withAuditAnnotation(key, "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"p", "granted-by_2.x", "a23456789012345678901234567890123456789012345678901234567890123"})
    void acceptsAuditKeysThatAreNamesWithoutPrefix(String key) {
        assertThat(AdmissionOutcome.allowed().withAuditAnnotation(key, "v").auditAnnotations()).containsEntry(key, "v");
    }

    @Test
    void erroredIs500WithoutWarnings() {
        AdmissionOutcome.Errored errored = AdmissionOutcome.errored("cache broken");
        assertThat(errored.code()).isEqualTo(500);
        assertThat(errored.withWarning("ignored").warnings()).isEmpty();
    }

    @Test
    void patchedKeepsWarningsWhenUnchanged() {
        AdmissionOutcome.Patched patched = AdmissionOutcome.patched(new AdmissionReviews().mapper().createObjectNode())
                .withWarning("role grants cannot be checked");
        assertThat(patched.unchanged().warnings()).containsExactly("role grants cannot be checked");
    }
}
