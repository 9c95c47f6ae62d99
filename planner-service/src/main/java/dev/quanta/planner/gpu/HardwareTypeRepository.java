package dev.quanta.planner.gpu;

import org.springframework.data.jpa.repository.JpaRepository;

interface HardwareTypeRepository extends JpaRepository<HardwareType, String> {
}
