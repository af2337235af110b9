#include "core/attention/memorybudget.h"

#include "core/base/error.h"

#include <cstdio>
#include <limits>
#include <unistd.h>

namespace attnscope {

std::uint64_t physicalMemoryBytes() noexcept {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return 0;
    return saturatingMul(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(pageSize));
}

std::uint64_t defaultMemoryBudget() noexcept {
    const std::uint64_t physical = physicalMemoryBytes();
    if (physical == 0)
        return std::uint64_t{4} << 30;
    return physical / 2;
}

std::string formatBytes(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 6) {
        value /= 1024.0;
        ++unit;
    }
    char buffer[64];
    if (unit == 0)
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buffer, sizeof buffer, "%.2f %s", value, units[unit]);
    return buffer;
}

std::uint64_t saturatingMul(std::uint64_t a, std::uint64_t b) noexcept {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a)
        return std::numeric_limits<std::uint64_t>::max();
    return a * b;
}

std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b) noexcept {
    if (b > std::numeric_limits<std::uint64_t>::max() - a)
        return std::numeric_limits<std::uint64_t>::max();
    return a + b;
}

std::uint64_t saturatingProduct(std::initializer_list<std::int64_t> sizes) noexcept {
    std::uint64_t product = 1;
    for (const std::int64_t size : sizes)
        product = saturatingMul(product, size > 0 ? static_cast<std::uint64_t>(size) : 0);
    return product;
}

void checkMemoryBudget(std::uint64_t neededBytes, std::uint64_t budgetBytes,
                       const std::string& what) {
    const std::uint64_t budget = budgetBytes == 0 ? defaultMemoryBudget() : budgetBytes;
    if (neededBytes <= budget)
        return;
    const std::string needed = neededBytes == std::numeric_limits<std::uint64_t>::max()
                                   ? std::string("more than 16 EiB")
                                   : formatBytes(neededBytes);
    throw Error(what + " needs " + needed + " of memory, above the budget of " +
                formatBytes(budget) + " (reduce the sizes or raise the memory budget)");
}

} // namespace attnscope
