#pragma once

#include <atomic>
#include <memory>

namespace attnscope {

/**
 * A flag that a caller sets from any thread to stop a running computation. The engine polls it
 * between blocks of work and then throws Cancelled. Copies share the same flag, so the GUI can keep
 * one copy and hand another to the worker.
 */
class CancellationToken {
public:
    CancellationToken()
        : m_flag(std::make_shared<std::atomic<bool>>(false)) {}

    void cancel() const noexcept { m_flag->store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool isCancelled() const noexcept {
        return m_flag->load(std::memory_order_relaxed);
    }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace attnscope
