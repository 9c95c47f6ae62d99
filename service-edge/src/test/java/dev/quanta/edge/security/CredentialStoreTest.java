package dev.quanta.edge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialStoreTest {

    private static final String ADMIN = "admin-secret-0123456789abcdef";
    private static final String WORKER = "worker-secret-0123456789abcdef";

    @Test
    void findsAPlainSecretByItsDigestAndNamesItsRole() {
        CredentialStore store = CredentialStore.of(List.of(ADMIN), List.of("w1=" + WORKER), List.of(), List.of());

        assertThat(store.find(ADMIN)).get().extracting(Credential::role).isEqualTo(EdgeRole.ADMIN);
        Credential worker = store.find(WORKER).orElseThrow();
        assertThat(worker.role()).isEqualTo(EdgeRole.WORKER);
        assertThat(worker.name()).isEqualTo("w1");
        assertThat(store.find(ADMIN + "x")).isEmpty();
        assertThat(store.find("")).isEmpty();
    }

    @Test
    void acceptsHashedEntriesSoTheSecretNeverReachesTheService() {
        String hashed = CredentialStore.hashedEntry(ADMIN);
        assertThat(hashed).startsWith("sha256:").hasSize(7 + 64);
        String upperCaseHex = "sha256:" + CredentialStore.hashedEntry("key-secret-0123456789abcdef").substring(7)
                .toUpperCase(java.util.Locale.ROOT);
        CredentialStore store = CredentialStore.of(List.of("ops=" + hashed), List.of(), List.of(upperCaseHex),
                List.of());

        assertThat(store.find(ADMIN).orElseThrow().name()).isEqualTo("ops");
        assertThat(store.find("key-secret-0123456789abcdef").orElseThrow().role()).isEqualTo(EdgeRole.API_KEY);
    }

    @Test
    void ignoresSurroundingWhitespaceOfConfiguredAndPresentedSecretsAlike() {
        CredentialStore store = CredentialStore.of(List.of("  " + ADMIN + "\n"), List.of(), List.of(), List.of());

        assertThat(store.find(ADMIN)).isPresent();
        assertThat(store.find(" " + ADMIN + " ")).isPresent();
    }

    @Test
    void unnamedCredentialsGetANameFromTheirDigest() {
        CredentialStore store = CredentialStore.of(List.of(), List.of(), List.of("client-key-0123456789abcdef"),
                List.of());

        assertThat(store.find("client-key-0123456789abcdef").orElseThrow().name()).matches("api-key-[0-9a-f]{8}");
    }

    @Test
    void keepsBase64PaddingAsPartOfTheSecret() {
        CredentialStore store = CredentialStore.of(List.of("c2VjcmV0LXNlY3JldA=="), List.of(), List.of(), List.of());

        assertThat(store.find("c2VjcmV0LXNlY3JldA==")).isPresent();
    }

    @Test
    void skipsEmptyEntriesOfUnsetVariables() {
        CredentialStore store = CredentialStore.of(List.of(""), List.of(), List.of(" "), List.of());

        assertThat(store.has(EdgeRole.ADMIN)).isFalse();
        assertThat(store.find("")).isEmpty();
    }

    @Test
    void rejectsAWorkerCredentialWithoutItsWorkerId() {
        assertThatThrownBy(() -> CredentialStore.of(List.of(), List.of(WORKER), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker id");
    }

    @Test
    void rejectsTheSameSecretUnderTwoRoles() {
        assertThatThrownBy(() -> CredentialStore.of(List.of(ADMIN), List.of("w1=" + ADMIN), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void rejectsAMalformedDigest() {
        assertThatThrownBy(() -> CredentialStore.of(List.of("sha256:abc"), List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 hex");
    }

    @Test
    void reportsShortSecretsAsWeak() {
        CredentialStore store = CredentialStore.of(List.of("short"), List.of(), List.of(), List.of());

        assertThat(store.weakEntries()).containsExactly("quanta.edge.admin-tokens");
    }
}
