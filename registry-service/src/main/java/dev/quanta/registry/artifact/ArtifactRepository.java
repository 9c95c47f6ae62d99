package dev.quanta.registry.artifact;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ArtifactRepository extends JpaRepository<Artifact, Long> {

    List<Artifact> findByModelKeyOrderById(String modelKey);

    Optional<Artifact> findByModelKeyAndLocation(String modelKey, String location);
}
