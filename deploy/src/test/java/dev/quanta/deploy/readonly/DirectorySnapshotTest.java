package dev.quanta.deploy.readonly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison the read-only IT relies on sees a file written anywhere below the directory. */
class DirectorySnapshotTest {

    @Test
    void detectsAFileWrittenBelowTheDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        String before = ReadOnlyWorkingDirectoryIT.snapshot(dir);
        assertThat(ReadOnlyWorkingDirectoryIT.snapshot(dir)).isEqualTo(before);

        Files.writeString(dir.resolve("a/b/app.log"), "x");

        assertThat(ReadOnlyWorkingDirectoryIT.snapshot(dir)).isNotEqualTo(before).contains("app.log 1 ");
    }

    @Test
    void detectsAChangedSize(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "x");
        String before = ReadOnlyWorkingDirectoryIT.snapshot(dir);

        Files.writeString(file, "xy");

        assertThat(ReadOnlyWorkingDirectoryIT.snapshot(dir)).isNotEqualTo(before);
    }
}
