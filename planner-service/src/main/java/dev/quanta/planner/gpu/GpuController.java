package dev.quanta.planner.gpu;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/gpus")
@Tag(name = "GPU inventory", description = "GPU and CPU node types the planner plans over")
class GpuController {

    private final GpuInventory inventory;

    GpuController(GpuInventory inventory) {
        this.inventory = inventory;
    }

    @GetMapping
    @Operation(summary = "Every GPU and CPU node type, GPUs first")
    List<GpuView> list() {
        return inventory.list();
    }

    @GetMapping("/{name}")
    @Operation(summary = "One type by name or alias (case-insensitive: L40S, h100, 4090)")
    GpuView get(@PathVariable String name) {
        return inventory.get(name);
    }

    @PutMapping("/{name}")
    @Operation(summary = "Create or replace a type (admin token)")
    ResponseEntity<GpuView> put(@PathVariable String name, @Valid @RequestBody GpuRequest request) {
        GpuInventory.Saved saved = inventory.put(name, request);
        return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK).body(saved.gpu());
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Remove a type (admin token)")
    ResponseEntity<Void> delete(@PathVariable String name) {
        inventory.delete(name);
        return ResponseEntity.noContent().build();
    }
}
