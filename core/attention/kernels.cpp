#include "core/attention/kernels.h"

#include "core/attention/threading.h"
#include "core/base/alignedallocator.h"
#include "core/base/error.h"

#include <Eigen/Core>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnscope::detail {

namespace {

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using MatrixMap = Eigen::Map<RowMajorMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using ConstRowVectorMap = Eigen::Map<const Eigen::RowVectorXf>;

constexpr float kNegativeInfinity = -std::numeric_limits<float>::infinity();

// Finite inputs can still overflow float32 on the way (huge activations, a huge scale or a tiny
// temperature): refuse instead of returning NaN weights that look like a result.
constexpr const char* kOverflowMessage =
    "attention scores overflow float32 (query·key × scale / temperature is not finite); the "
    "inputs, scale or temperature are too large";

/** Row-wise pointers to the masks of one (batch, head, query). */
struct RowMasks {
    const std::uint8_t* keyPadding = nullptr;
    const std::uint8_t* hidden = nullptr;
    const float* additive = nullptr;
    std::int64_t causalEnd = 0; ///< keys in [causalEnd, maskedKeys) are hidden by the causal mask
    std::int64_t maskedKeys = 0;
};

namespace packet = Eigen::internal;
using Packet = packet::packet_traits<float>::type;
constexpr std::int64_t kLanes = packet::packet_traits<float>::size;

/**
 * exp(x - maximum) for every element of the row, in place, with hidden keys (-inf) set to exactly
 * zero; returns the sum. Written with Eigen's packet primitives from the first element on, whatever
 * the row's alignment: Eigen's own array expressions peel a few leading elements to reach an aligned
 * address and compute those with the scalar exp, so their results would depend on where the row
 * happens to sit in memory. Here every element goes through the same vectorised exp and the sum is
 * accumulated in one fixed order, so the output depends only on the values.
 */
float expAndSum(float* row, std::int64_t count, float maximum) {
    const Packet shift = packet::pset1<Packet>(maximum);
    const Packet hidden = packet::pset1<Packet>(kNegativeInfinity);
    const Packet zero = packet::pset1<Packet>(0.0f);
    Packet sum = zero;
    auto step = [&](Packet x) {
        // Eigen's exp clamps its argument, so exp(-inf) would be ~1e-39 rather than 0.
        const Packet e = packet::pselect(packet::pcmp_eq(x, hidden), zero,
                                         packet::pexp(packet::psub(x, shift)));
        sum = packet::padd(sum, e);
        return e;
    };
    std::int64_t j = 0;
    for (; j + kLanes <= count; j += kLanes)
        packet::pstoreu(row + j, step(packet::ploadu<Packet>(row + j)));
    if (j < count) {
        alignas(64) float tail[kLanes];
        std::fill_n(tail, kLanes, kNegativeInfinity); // padding lanes add exactly zero
        std::copy(row + j, row + count, tail);
        packet::pstore(tail, step(packet::pload<Packet>(tail)));
        std::copy(tail, tail + (count - j), row + j);
    }
    return packet::predux(sum);
}

/**
 * Turns one row of raw scores q·k into attention probabilities in place, over keys [0, count).
 * Stable softmax: the row maximum is subtracted before exp, so no logit overflows. A row with no
 * visible key becomes all zeros (documented in scaleddotproduct.h). Element-wise steps are plain
 * IEEE operations, identical however the compiler vectorises them; only exp and the sum need care.
 */
void softmaxRow(float* row, std::int64_t count, float logitScale, const RowMasks& masks) {
    const std::int64_t masked = std::min(masks.maskedKeys, count);
    for (std::int64_t j = 0; j < count; ++j)
        row[j] *= logitScale;
    if (masks.additive != nullptr) {
        for (std::int64_t j = 0; j < masked; ++j)
            row[j] += masks.additive[j];
    }
    for (std::int64_t j = masks.causalEnd; j < masked; ++j)
        row[j] = kNegativeInfinity;
    if (masks.keyPadding != nullptr || masks.hidden != nullptr) {
        const std::int64_t end = std::min(masks.causalEnd, masked);
        for (std::int64_t j = 0; j < end; ++j) {
            const bool hide = (masks.keyPadding != nullptr && masks.keyPadding[j] != 0) ||
                              (masks.hidden != nullptr && masks.hidden[j] != 0);
            if (hide)
                row[j] = kNegativeInfinity;
        }
    }

    float maximum = kNegativeInfinity;
    bool overflowed = false;
    for (std::int64_t j = 0; j < count; ++j) {
        maximum = std::max(maximum, row[j]); // exact in any order
        overflowed |= std::isnan(row[j]) || row[j] == -kNegativeInfinity;
    }
    if (overflowed)
        throw Error(kOverflowMessage);
    if (maximum == kNegativeInfinity) {
        std::fill_n(row, count, 0.0f);
        return;
    }
    const float sum = expAndSum(row, count, maximum);
    if (!std::isfinite(sum))
        throw Error(kOverflowMessage);
    const float inverseSum = 1.0f / sum;
    for (std::int64_t j = 0; j < count; ++j)
        row[j] *= inverseSum;
}

RowMasks rowMasks(const AttentionProblem& p, std::int64_t b, std::int64_t h, std::int64_t i) {
    RowMasks masks;
    masks.maskedKeys = p.maskedKeys;
    masks.causalEnd = p.causal ? std::min(i + 1, p.maskedKeys) : p.maskedKeys;
    const std::int64_t mk = p.maskedKeys;
    if (p.keyPadding != nullptr)
        masks.keyPadding = p.keyPadding + b * mk;
    if (p.hidden != nullptr)
        masks.hidden = p.hidden + ((p.hiddenPerHead ? (b * p.heads + h) * p.seq : 0) + i) * mk;
    if (p.additive != nullptr)
        masks.additive =
            p.additive + ((p.additivePerHead ? (b * p.heads + h) * p.seq : 0) + i) * mk;
    return masks;
}

/** Query rows [s0, s0 + rows) of head (b, h); `scores` holds rows × keySeq floats. */
void attendBlock(const AttentionProblem& p, std::int64_t b, std::int64_t h, std::int64_t s0,
                 std::int64_t rows, float* scores) {
    const std::int64_t T = p.keySeq;
    // Under a plain causal mask no query of this block sees keys past its last row: skip them in
    // both products (half the work of a causal sequence).
    const std::int64_t visibleKeys =
        (p.causal && p.maskedKeys == T) ? std::min(T, s0 + rows) : T;

    ConstMatrixMap query(p.query.head(b, h) + s0 * p.query.rowStride, rows, p.headDim,
                         Eigen::OuterStride<>(p.query.rowStride));
    ConstMatrixMap key(p.key.head(b, h), visibleKeys, p.headDim,
                       Eigen::OuterStride<>(p.key.rowStride));
    MatrixMap scoreBlock(scores, rows, T, Eigen::OuterStride<>(T));
    scoreBlock.leftCols(visibleKeys).noalias() = query * key.transpose();
    if (visibleKeys < T)
        scoreBlock.rightCols(T - visibleKeys).setZero();

    for (std::int64_t r = 0; r < rows; ++r)
        softmaxRow(scores + r * T, visibleKeys, p.logitScale, rowMasks(p, b, h, s0 + r));

    ConstMatrixMap value(p.value.head(b, h), visibleKeys, p.valueDim,
                         Eigen::OuterStride<>(p.value.rowStride));
    MatrixMap output(p.output.head(b, h) + s0 * p.output.rowStride, rows, p.valueDim,
                     Eigen::OuterStride<>(p.output.rowStride));
    output.noalias() = scoreBlock.leftCols(visibleKeys) * value;
}

} // namespace

std::int64_t queryBlockRows(std::int64_t seq, std::int64_t /*keySeq*/) noexcept {
    // 128 query rows amortise the packing of K and V inside each GEMM; the block's scores
    // (128 × T floats) still fit in L2 for the sequence lengths a desktop shows.
    return std::max<std::int64_t>(1, std::min<std::int64_t>(seq, 128));
}

std::uint64_t attentionScratchBytes(std::int64_t seq, std::int64_t keySeq, int threads) noexcept {
    return static_cast<std::uint64_t>(threads) *
           static_cast<std::uint64_t>(queryBlockRows(seq, keySeq)) *
           static_cast<std::uint64_t>(keySeq) * sizeof(float);
}

void runAttention(const AttentionProblem& p, int threads, const CancellationToken& cancel) {
    if (p.batch == 0 || p.heads == 0 || p.seq == 0)
        return;
    const std::int64_t rowsPerBlock = queryBlockRows(p.seq, p.keySeq);
    const std::int64_t blocksPerHead = (p.seq + rowsPerBlock - 1) / rowsPerBlock;
    const std::int64_t blockCount = p.batch * p.heads * blocksPerHead;

    if (p.keySeq == 0) {
        // No keys at all: every row is "nothing to attend to".
        for (std::int64_t b = 0; b < p.batch; ++b)
            for (std::int64_t h = 0; h < p.heads; ++h)
                for (std::int64_t s = 0; s < p.seq; ++s)
                    std::fill_n(p.output.head(b, h) + s * p.output.rowStride, p.valueDim, 0.0f);
        return;
    }

    tbb::enumerable_thread_specific<AlignedVector<float>> scratch;
    parallelForBlocks(threads, blockCount, cancel, [&](std::int64_t index) {
        const std::int64_t block = index % blocksPerHead;
        const std::int64_t head = (index / blocksPerHead) % p.heads;
        const std::int64_t batch = index / (blocksPerHead * p.heads);
        const std::int64_t s0 = block * rowsPerBlock;
        const std::int64_t rows = std::min(rowsPerBlock, p.seq - s0);
        float* scores = nullptr;
        if (p.weights != nullptr) {
            scores = p.weights + ((batch * p.heads + head) * p.seq + s0) * p.keySeq;
        } else {
            AlignedVector<float>& local = scratch.local();
            local.resize(static_cast<std::size_t>(rowsPerBlock * p.keySeq));
            scores = local.data();
        }
        attendBlock(p, batch, head, s0, rows, scores);
    });
}

void runLinear(const std::vector<LinearTask>& tasks, int threads, const CancellationToken& cancel) {
    // Tiles are fixed by the shapes alone (never by the thread count), so each output element is
    // always produced by the same GEMM call: results are bitwise identical for any thread count.
    constexpr std::int64_t rowTile = 256;
    // Narrower column tiles when there are few rows, so that short sequences still give every
    // worker something to do; at least 64 columns to keep the GEMM kernel efficient.
    std::int64_t colTile = 256;
    auto tileCount = [&](std::int64_t width) {
        std::int64_t count = 0;
        for (const LinearTask& task : tasks)
            count += ((task.rows + rowTile - 1) / rowTile) *
                     ((task.outFeatures + width - 1) / width);
        return count;
    };
    while (colTile > 64 && tileCount(colTile) < 16)
        colTile /= 2;

    struct Tile {
        std::size_t task;
        std::int64_t row0, col0;
    };
    std::vector<Tile> tiles;
    tiles.reserve(static_cast<std::size_t>(tileCount(colTile)));
    for (std::size_t t = 0; t < tasks.size(); ++t)
        for (std::int64_t r = 0; r < tasks[t].rows; r += rowTile)
            for (std::int64_t c = 0; c < tasks[t].outFeatures; c += colTile)
                tiles.push_back({t, r, c});

    parallelForBlocks(threads, static_cast<std::int64_t>(tiles.size()), cancel,
                      [&](std::int64_t index) {
                          const Tile& tile = tiles[static_cast<std::size_t>(index)];
                          const LinearTask& task = tasks[tile.task];
                          const std::int64_t rows = std::min(rowTile, task.rows - tile.row0);
                          const std::int64_t cols = std::min(colTile, task.outFeatures - tile.col0);
                          ConstMatrixMap input(task.input + tile.row0 * task.inFeatures, rows,
                                               task.inFeatures,
                                               Eigen::OuterStride<>(task.inFeatures));
                          ConstMatrixMap weight(task.weight + tile.col0 * task.inFeatures, cols,
                                                task.inFeatures,
                                                Eigen::OuterStride<>(task.inFeatures));
                          MatrixMap output(task.output + tile.row0 * task.outputRowStride +
                                               tile.col0,
                                           rows, cols, Eigen::OuterStride<>(task.outputRowStride));
                          if (task.inFeatures == 0) {
                              output.setZero();
                          } else {
                              output.noalias() = input * weight.transpose();
                          }
                          if (task.bias != nullptr)
                              output.rowwise() += ConstRowVectorMap(task.bias + tile.col0, cols);
                      });
}

} // namespace attnscope::detail
