#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace attnscope {

/** Physical memory of the machine in bytes (0 if it cannot be read). */
std::uint64_t physicalMemoryBytes() noexcept;

/** The default budget: half the physical memory (4 GiB if it cannot be read). */
std::uint64_t defaultMemoryBudget() noexcept;

/** "1.50 GiB" style, for messages. */
std::string formatBytes(std::uint64_t bytes);

/**
 * Adds and multiplies byte counts without wrapping: a saturated result (UINT64_MAX) is always over
 * any budget, so a hostile shape cannot overflow the estimate into a small number.
 */
std::uint64_t saturatingMul(std::uint64_t a, std::uint64_t b) noexcept;
std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b) noexcept;
/**
 * The product of sizes (element counts, dimensions, bytes per element), saturating like
 * saturatingMul; a negative size counts as 0. The one way estimates multiply shapes.
 */
std::uint64_t saturatingProduct(std::initializer_list<std::int64_t> sizes) noexcept;

/**
 * Throws Error when `neededBytes` exceeds the budget (0 = defaultMemoryBudget()), with a message
 * that says what was being computed, how much it needs, and the budget.
 */
void checkMemoryBudget(std::uint64_t neededBytes, std::uint64_t budgetBytes,
                       const std::string& what);

} // namespace attnscope
