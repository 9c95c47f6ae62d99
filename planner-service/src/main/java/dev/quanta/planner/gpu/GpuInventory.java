package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.InvalidInputException;
import dev.quanta.planner.domain.Names;
import dev.quanta.planner.system.ConflictException;
import dev.quanta.planner.system.NotFoundException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The persisted inventory, looked up by name or alias. */
@Service
public class GpuInventory {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final HardwareTypeRepository repository;

    GpuInventory(HardwareTypeRepository repository) {
        this.repository = repository;
    }

    /** Every type, GPUs first, by name. */
    @Transactional(readOnly = true)
    public List<GpuSpec> all() {
        return rows().stream().map(HardwareType::toSpec).toList();
    }

    /** The type {@code query} names (case-insensitive, aliases), or 404 listing the closest names. */
    @Transactional(readOnly = true)
    public GpuSpec resolve(String query) {
        return find(query).toSpec();
    }

    @Transactional(readOnly = true)
    List<GpuView> list() {
        return rows().stream().map(GpuView::of).toList();
    }

    @Transactional(readOnly = true)
    GpuView get(String query) {
        return GpuView.of(find(query));
    }

    /** Creates or replaces; {@code true} when created. An existing type is addressed by name or alias. */
    @Transactional
    Saved put(String query, GpuRequest request) {
        List<String> names = repository.findAll().stream().map(HardwareType::name).toList();
        Optional<String> existing = Names.resolve(query, names);
        if (existing.isEmpty()) {
            List<String> sharing = names.stream().filter(n -> Names.aliases(n).contains(Names.normalize(query)))
                    .toList();
            if (sharing.size() > 1) {
                throw new ConflictException("'" + query + "' is an alias of " + String.join(", ", sharing)
                        + "; use a full name");
            }
            if (!NAME.matcher(query).matches()) {
                throw new InvalidInputException("name", "name must be 1-64 letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit");
            }
        }
        String name = existing.orElse(query);
        GpuSpec spec = request.toSpec(name);
        HardwareType row = existing.flatMap(repository::findById).orElseGet(() -> new HardwareType(name));
        row.apply(spec);
        HardwareType saved = repository.saveAndFlush(row);
        return new Saved(GpuView.of(saved), existing.isEmpty());
    }

    @Transactional
    void delete(String query) {
        repository.delete(find(query));
    }

    record Saved(GpuView gpu, boolean created) {}

    private HardwareType find(String query) {
        List<HardwareType> rows = rows();
        List<String> names = rows.stream().map(HardwareType::name).toList();
        String name = Names.resolve(query, names)
                .orElseThrow(() -> new NotFoundException("gpu", "gpu", query, Names.closest(query, names, 3)));
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private List<HardwareType> rows() {
        return repository.findAll().stream()
                .sorted(Comparator.comparing((HardwareType r) -> r.toSpec().kind()).thenComparing(HardwareType::name))
                .toList();
    }
}
