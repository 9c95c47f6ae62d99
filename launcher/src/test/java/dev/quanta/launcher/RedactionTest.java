package dev.quanta.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void masksPasswordsInUserInfoAndParameters() {
        assertThat(Redaction.maskUrl("jdbc:postgresql://quanta:s3cret@db:5432/quanta?sslmode=require&password=p4ss"))
                .isEqualTo("jdbc:postgresql://quanta:****@db:5432/quanta?sslmode=require&password=****");
        assertThat(Redaction.maskUrl("jdbc:postgresql://db/quanta?user=u&Password=x;y"))
                .doesNotContain("x;y").contains("Password=****");
    }

    @Test
    void leavesUrlsWithoutCredentialsAlone() {
        String url = "jdbc:postgresql://localhost:5432/postgres?user=postgres";
        assertThat(Redaction.maskUrl(url)).isEqualTo(url);
    }
}
