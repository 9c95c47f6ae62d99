package dev.quanta.registry.model;

import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

public interface ModelProfileRepository
        extends JpaRepository<ModelProfile, String>, JpaSpecificationExecutor<ModelProfile> {

    /** Profiles of {@code family} and {@code architecture}; a null argument does not filter. */
    static Specification<ModelProfile> filter(String family, String architecture) {
        return (root, query, cb) -> {
            List<Predicate> conditions = new ArrayList<>();
            if (family != null) {
                conditions.add(cb.equal(root.get("family"), family));
            }
            if (architecture != null) {
                conditions.add(cb.equal(root.get("architecture"), architecture));
            }
            return cb.and(conditions.toArray(Predicate[]::new));
        };
    }
}
