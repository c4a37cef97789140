package dev.vmpools.webhook.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.webhook.Requests;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.type.TypeReference;

class PoolPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");
    private static final String GRANTS = "[{\"user\":\"admin\",\"may\":[\"*\"]},{\"role\":\"user\",\"may\":[\"accessConsole\",\"start\"]}]";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // case                          | retention                 | mode       | reason                      | field
        "duration in hours              | PT4h                      | COMPATIBLE | -                           | -",
        "default retention              | -                         | COMPATIBLE | -                           | -",
        "days                           | P7D                       | COMPATIBLE | -                           | -",
        "instant with colon offset      | 2030-01-01T00:00:00+01:00 | COMPATIBLE | -                           | -",
        "weeks with VM-Operator         | P1W                       | COMPATIBLE | RetentionCalendarUnit       | spec.retention",
        "weeks without VM-Operator      | P1W                       | ABSENT     | -                           | -",
        "months with VM-Operator        | P1M                       | COMPATIBLE | RetentionCalendarUnit       | spec.retention",
        "years without VM-Operator      | P1Y                       | ABSENT     | -                           | -",
        "offset without colon           | 2030-01-01T00:00:00+0100  | COMPATIBLE | RetentionOffsetWithoutColon | spec.retention",
        "offset without colon, absent   | 2030-01-01T00:00:00+0100  | ABSENT     | -                           | -",
        "empty duration                 | P                         | COMPATIBLE | RetentionEmpty              | spec.retention",
        "T without time                 | P1DT                      | ABSENT     | RetentionEmpty              | spec.retention",
        "zero                           | PT0S                      | COMPATIBLE | RetentionZero               | spec.retention",
        "longer than a Lease can hold   | P25000D                   | COMPATIBLE | RetentionTooLong            | spec.retention",
        "not a retention                | forever                   | COMPATIBLE | RetentionMalformed          | spec.retention",
        "negative                       | -PT1H                     | ABSENT     | RetentionNegative           | spec.retention",
    })
    void judgesRetentionInTheConfiguredMode(String name, String retention, String mode, String reason, String field) {
        AdmissionOutcome outcome = policy(mode).review(new VmPoolSpec(retention, true, grants(GRANTS)), NOW);

        assertOutcome(outcome, reason, field);
    }

    @Test
    void suggestsDaysForWeeksWhileVmOperatorIsPresent() {
        AdmissionOutcome outcome = policy("COMPATIBLE").review(new VmPoolSpec("P1W", true, grants(GRANTS)), NOW);

        assertThat(((AdmissionOutcome.Denied) outcome).message()).contains("\"P7D\"").contains("spec.retention \"P1W\"");
        assertThat(((AdmissionOutcome.Denied) outcome).code()).isEqualTo(422);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "user grant                | [{\"user\":\"alice\",\"may\":[\"start\"]}]                  | -                     | -",
        "role grant, default may   | [{\"role\":\"user\"}]                                       | -                     | -",
        "every permission          | [{\"role\":\"user\",\"may\":[\"*\"]}]                       | -                     | -",
        "no grants                 | []                                                          | -                     | -",
        "user and role             | [{\"user\":\"alice\",\"role\":\"user\",\"may\":[\"start\"]}] | GrantSubjectAmbiguous | spec.permissions[0]",
        "neither user nor role     | [{\"may\":[\"start\"]}]                                     | GrantSubjectMissing   | spec.permissions[0]",
        "empty user name           | [{\"role\":\"user\"},{\"user\":\"\",\"may\":[\"start\"]}]   | GrantNameEmpty        | spec.permissions[1].user",
        "empty role name           | [{\"role\":\"\"}]                                           | GrantNameEmpty        | spec.permissions[0].role",
        "unknown permission        | [{\"role\":\"user\",\"may\":[\"start\",\"fly\"]}]           | UnknownPermission     | spec.permissions[0].may",
        "console is not takeConsole| [{\"role\":\"user\",\"may\":[\"takeConsole\"]}]             | UnknownPermission     | spec.permissions[0].may",
        "null entry                | [null]                                                      | GrantSubjectMissing   | spec.permissions[0]",
    })
    void judgesGrants(String name, String permissions, String reason, String field) {
        AdmissionOutcome outcome = policy("COMPATIBLE").review(new VmPoolSpec("PT1H", false, grants(permissions)), NOW);

        assertOutcome(outcome, reason, field);
    }

    @Test
    void namesEveryProblemAndTheFirstReason() {
        AdmissionOutcome outcome = policy("COMPATIBLE").review(new VmPoolSpec("P1W", false,
                grants("[{\"user\":\"alice\",\"role\":\"user\"},{\"role\":\"user\",\"may\":[\"fly\"]}]")), NOW);

        AdmissionOutcome.Denied denied = (AdmissionOutcome.Denied) outcome;
        assertThat(denied.reason()).isEqualTo("RetentionCalendarUnit");
        assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field)
                .containsExactly("spec.retention", "spec.permissions[0]", "spec.permissions[1].may");
        assertThat(denied.message()).contains("P1W").contains("fly").contains("split it in two");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "duplicate role grant      | PT1H                 | [{\"role\":\"user\",\"may\":[\"start\"]},{\"role\":\"user\",\"may\":[\"stop\"]}] | role user is also granted in [0]",
        "grant of nothing          | PT1H                 | [{\"role\":\"user\",\"may\":[]}]                                              | may do nothing",
        "no grants at all          | PT1H                 | []                                                                            | nobody may use this pool",
        "absolute retention past   | 2026-11-24T08:59:59Z | [{\"role\":\"user\"}]                                                        | is in the past",
        "absolute retention now    | 2026-11-24T09:00:00Z | [{\"role\":\"user\"}]                                                        | is in the past",
    })
    void admitsWithAWarning(String name, String retention, String permissions, String warning) {
        AdmissionOutcome outcome = policy("COMPATIBLE").review(new VmPoolSpec(retention, false, grants(permissions)), NOW);

        assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
        assertThat(outcome.warnings()).anySatisfy(w -> assertThat(w).contains(warning));
    }

    @Test
    void absoluteRetentionInTheFutureWarnsNothing() {
        AdmissionOutcome outcome = policy("COMPATIBLE").review(new VmPoolSpec("2026-11-24T09:00:01Z", false,
                grants("[{\"role\":\"user\"}]")), NOW);

        assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
        assertThat(outcome.warnings()).isEmpty();
    }

    @Test
    void validatorReadsTheRequestAndNamesThePoolForTheAudit() {
        PoolValidator validator = new PoolValidator(policy("COMPATIBLE"), InstantSource.fixed(NOW), Requests.MAPPER);

        AdmissionOutcome outcome = validator.handle(Requests.pool(Operation.CREATE, Requests.ADMIN, "vmop-dev", "test-vms",
                Requests.json("{\"metadata\":{\"name\":\"test-vms\"},\"spec\":{\"retention\":\"P1W\",\"permissions\":"
                        + GRANTS + "}}")));

        assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class,
                d -> assertThat(d.reason()).isEqualTo("RetentionCalendarUnit"));
        assertThat(outcome.auditAnnotations()).containsEntry("pool", "test-vms");
    }

    @Test
    void validatorDeniesASpecOfTheWrongShape() {
        PoolValidator validator = new PoolValidator(policy("COMPATIBLE"), InstantSource.fixed(NOW), Requests.MAPPER);

        AdmissionOutcome outcome = validator.handle(Requests.pool(Operation.CREATE, Requests.ADMIN, "vmop-dev", "test-vms",
                Requests.json("{\"spec\":{\"permissions\":{\"role\":\"user\"}}}")));

        assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, d -> {
            assertThat(d.code()).isEqualTo(422);
            assertThat(d.reason()).isEqualTo(PoolPolicy.MALFORMED_SPEC);
        });
    }

    private static void assertOutcome(AdmissionOutcome outcome, String reason, String field) {
        if (reason == null) {
            assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
        } else {
            assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
                assertThat(denied.code()).isEqualTo(422);
                assertThat(denied.reason()).isEqualTo(reason);
                assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).contains(field);
                assertThat(denied.message()).contains(field.replaceAll("\\..*", ""));
            });
        }
    }

    private static PoolPolicy policy(String mode) {
        return new PoolPolicy(mode.equals("ABSENT") ? RetentionMode.VM_OPERATOR_ABSENT : RetentionMode.COMPATIBLE);
    }

    private static List<PoolGrantSpec> grants(String json) {
        return Requests.MAPPER.readValue(json, new TypeReference<List<PoolGrantSpec>>() { });
    }
}
