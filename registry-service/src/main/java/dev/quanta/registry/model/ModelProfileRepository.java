package dev.quanta.registry.model;

import org.springframework.data.jpa.domain.Specification;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

public interface ModelProfileRepository
        extends JpaRepository<ModelProfile, String>, JpaSpecificationExecutor<ModelProfile> {

    /** Profiles of {@code family} and {@code architecture}; a null argument does not filter. */
    static Specification<ModelProfile> filter(String family, String architecture) {
        return (root, query, cb) -> {
            var conditions = new java.util.ArrayList<jakarta.persistence.criteria.Predicate>();
            if (family != null) {
                conditions.add(cb.equal(root.get("family"), family));
            }
            if (architecture != null) {
                conditions.add(cb.equal(root.get("architecture"), architecture));
            }
            return cb.and(conditions.toArray(jakarta.persistence.criteria.Predicate[]::new));
        };
    }
}
