#include "core/attention/kernels.h"

#include "core/attention/memorybudget.h"
#include "core/attention/threading.h"
#include "core/base/alignedallocator.h"
#include "core/base/error.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <tbb/enumerable_thread_specific.h>

namespace attnscope::detail {

namespace {

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
 * the row's alignment: Eigen's own array expressions peel a few leading elements to reach an
 * aligned address and compute those with the scalar exp, so their results would depend on where the
 * row happens to sit in memory. Here every element goes through the same vectorised exp and the sum
 * is accumulated in one fixed order, so the output depends only on the values.
 */
float expAndSum(float* row, std::int64_t count, float maximum) {
    const Packet shift = packet::pset1<Packet>(maximum);
    const Packet hidden = packet::pset1<Packet>(kNegativeInfinity);
    const Packet zero = packet::pset1<Packet>(0.0f);
    Packet sum = zero;
    auto step = [&](Packet x) {
        // Eigen's exp clamps its argument, so exp(-inf) would be ~1e-39 rather than 0.
        const Packet e =
            packet::pselect(packet::pcmp_eq(x, hidden), zero, packet::pexp(packet::psub(x, shift)));
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
 * The largest element of row[0, count), NaN when any element is NaN (so one check after the loop
 * finds both overflow, +inf, and NaN). Vectorised: as a scalar loop with a test per element this
 * was a fifth of a 2048-token forward. The maximum is exact in any order.
 */
float rowMaximum(const float* row, std::int64_t count) {
    // Four running maxima: one would make every step wait for the previous compare and blend.
    Packet maxima[4];
    for (Packet& m : maxima)
        m = packet::pset1<Packet>(kNegativeInfinity);
    std::int64_t j = 0;
    for (; j + 4 * kLanes <= count; j += 4 * kLanes) {
        for (int u = 0; u < 4; ++u)
            maxima[u] = packet::pmax<Eigen::PropagateNaN>(
                maxima[u], packet::ploadu<Packet>(row + j + u * kLanes));
    }
    for (; j + kLanes <= count; j += kLanes)
        maxima[0] = packet::pmax<Eigen::PropagateNaN>(maxima[0], packet::ploadu<Packet>(row + j));
    const Packet maxima01 = packet::pmax<Eigen::PropagateNaN>(maxima[0], maxima[1]);
    const Packet maxima23 = packet::pmax<Eigen::PropagateNaN>(maxima[2], maxima[3]);
    alignas(64) float lanes[kLanes];
    packet::pstore(lanes, packet::pmax<Eigen::PropagateNaN>(maxima01, maxima23));
    float maximum = kNegativeInfinity;
    auto take = [&maximum](float x) {
        maximum = (std::isnan(x) || std::isnan(maximum)) ? std::numeric_limits<float>::quiet_NaN()
                                                         : std::max(maximum, x);
    };
    for (float lane : lanes)
        take(lane);
    for (; j < count; ++j)
        take(row[j]);
    return maximum;
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

    const float maximum = rowMaximum(row, count);
    if (std::isnan(maximum) || maximum == -kNegativeInfinity)
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

/** One head's keys (as Kᵀ) and values, packed once for every block of its queries. */
struct PackedHead {
    PackedRhsView keys;   ///< depth headDim, width keySeq
    PackedRhsView values; ///< depth keySeq, width valueDim
};

/** Query rows [s0, s0 + rows) of head (b, h); `scores` holds rows × keySeq floats. */
void attendBlock(const AttentionProblem& p, std::int64_t b, std::int64_t h, std::int64_t s0,
                 std::int64_t rows, const PackedHead& head, float* scores,
                 AlignedVector<float>& edgeRows) {
    const std::int64_t T = p.keySeq;
    // Under a plain causal mask no query of this block sees keys past its last row: skip them in
    // both products (half the work of a causal sequence).
    const std::int64_t visibleKeys = (p.causal && p.maskedKeys == T) ? std::min(T, s0 + rows) : T;

    multiplyPacked(p.query.head(b, h) + s0 * p.query.rowStride, p.query.rowStride, rows, head.keys,
                   0, visibleKeys, nullptr, scores, T, edgeRows);
    if (visibleKeys < T) {
        for (std::int64_t r = 0; r < rows; ++r)
            std::fill(scores + r * T + visibleKeys, scores + (r + 1) * T, 0.0f);
    }

    for (std::int64_t r = 0; r < rows; ++r)
        softmaxRow(scores + r * T, visibleKeys, p.logitScale, rowMasks(p, b, h, s0 + r));

    if (p.output.base != nullptr)
        multiplyPacked(scores, T, rows, head.values.leading(visibleKeys), 0, p.valueDim, nullptr,
                       p.output.head(b, h) + s0 * p.output.rowStride, p.output.rowStride, edgeRows);
}

/** Packed floats of one head: keys then values. */
std::int64_t packedHeadFloats(std::int64_t keySeq, std::int64_t headDim, std::int64_t valueDim) {
    return packedRhsFloats(headDim, keySeq) + packedRhsFloats(keySeq, valueDim);
}

} // namespace

std::int64_t queryBlockRows(std::int64_t seq, std::int64_t keySeq) noexcept {
    // A block's scores (rows × keySeq floats) are written by q·kᵀ, normalised by the softmax and
    // read back by p·v: keep them within half of the 1 MB L2 cache, so long sequences get
    // shorter blocks (64 rows at 2048 keys). At most 128 rows, enough for the kernel to reuse each
    // packed key panel many times; whole register tiles, so that only a sequence's last block has
    // a ragged edge.
    constexpr std::int64_t scoreBlockFloats = std::int64_t{128} * 1024;
    std::int64_t rows = scoreBlockFloats / std::max<std::int64_t>(keySeq, 1);
    rows = std::clamp<std::int64_t>(rows / kTileRows * kTileRows, kTileRows, 128);
    return std::max<std::int64_t>(1, std::min(seq, rows));
}

std::uint64_t attentionWorkingBytes(std::int64_t batch, std::int64_t heads, std::int64_t seq,
                                    std::int64_t keySeq, std::int64_t headDim,
                                    std::int64_t valueDim, bool weightsKept, int threads) noexcept {
    // Saturating throughout: the shapes come from users and may be absurd; the budget check then
    // refuses instead of an overflow slipping under it.
    // Panels are whole register tiles wide: round up without overflowing for absurd sizes.
    auto panels = [](std::int64_t v) {
        return v / kTileCols + (v % kTileCols != 0 ? 1 : 0);
    };
    const std::uint64_t packedKeys = saturatingProduct({headDim, panels(keySeq), kTileCols});
    const std::uint64_t packedValues = saturatingProduct({keySeq, panels(valueDim), kTileCols});
    std::uint64_t floats =
        saturatingMul(saturatingProduct({batch, heads}), saturatingAdd(packedKeys, packedValues));
    // multiplyPacked's edge rows, and a block's scores when the weights are not kept
    std::uint64_t perWorker = saturatingProduct({kTileRows, kGemmDepthBlock});
    if (!weightsKept)
        perWorker =
            saturatingAdd(perWorker, saturatingProduct({queryBlockRows(seq, keySeq), keySeq}));
    floats = saturatingAdd(floats, saturatingMul(perWorker, saturatingProduct({threads})));
    return saturatingMul(floats, sizeof(float));
}

void runAttention(const AttentionProblem& p, int threads, const CancellationToken& cancel) {
    if (p.batch == 0 || p.heads == 0 || p.seq == 0)
        return;
    const std::int64_t rowsPerBlock = queryBlockRows(p.seq, p.keySeq);
    const std::int64_t blocksPerHead = (p.seq + rowsPerBlock - 1) / rowsPerBlock;
    const std::int64_t blockCount = p.batch * p.heads * blocksPerHead;

    if (p.keySeq == 0) {
        // No keys at all: every row is "nothing to attend to".
        if (p.output.base == nullptr)
            return;
        for (std::int64_t b = 0; b < p.batch; ++b)
            for (std::int64_t h = 0; h < p.heads; ++h)
                for (std::int64_t s = 0; s < p.seq; ++s)
                    std::fill_n(p.output.head(b, h) + s * p.output.rowStride, p.valueDim, 0.0f);
        return;
    }

    // Each head's keys and values are packed once here, not by every block of its queries (at
    // 2048 keys a head has 32 blocks; re-packing its keys for each cost as much as the product).
    // Without an output the values are never read: not packed either.
    const bool values = p.output.base != nullptr;
    const std::int64_t headFloats = values ? packedHeadFloats(p.keySeq, p.headDim, p.valueDim)
                                           : packedRhsFloats(p.headDim, p.keySeq);
    AlignedVector<float> packed(static_cast<std::size_t>(p.batch * p.heads * headFloats));
    std::vector<PackedHead> packedHeads(static_cast<std::size_t>(p.batch * p.heads));
    parallelForBlocks(threads, p.batch * p.heads, cancel, [&](std::int64_t index) {
        const std::int64_t b = index / p.heads, h = index % p.heads;
        float* keys = packed.data() + index * headFloats;
        PackedHead& head = packedHeads[static_cast<std::size_t>(index)];
        head.keys = packRhsTransposed(p.key.head(b, h), p.key.rowStride, p.keySeq, p.headDim, keys);
        if (values)
            head.values = packRhsRows(p.value.head(b, h), p.value.rowStride, p.keySeq, p.valueDim,
                                      keys + packedRhsFloats(p.headDim, p.keySeq));
    });

    struct WorkerScratch {
        AlignedVector<float> edgeRows;
        AlignedVector<float> scores; // when the weights are not kept
    };
    tbb::enumerable_thread_specific<WorkerScratch> scratch;
    parallelForBlocks(threads, blockCount, cancel, [&](std::int64_t index) {
        const std::int64_t block = index % blocksPerHead;
        const std::int64_t head = (index / blocksPerHead) % p.heads;
        const std::int64_t batch = index / (blocksPerHead * p.heads);
        const std::int64_t s0 = block * rowsPerBlock;
        const std::int64_t rows = std::min(rowsPerBlock, p.seq - s0);
        WorkerScratch& local = scratch.local();
        float* scores = nullptr;
        if (p.weights != nullptr) {
            scores = p.weights + ((batch * p.heads + head) * p.seq + s0) * p.keySeq;
        } else {
            local.scores.resize(static_cast<std::size_t>(rowsPerBlock * p.keySeq));
            scores = local.scores.data();
        }
        attendBlock(p, batch, head, s0, rows,
                    packedHeads[static_cast<std::size_t>(batch * p.heads + head)], scores,
                    local.edgeRows);
    });
}

void runLinear(const std::vector<LinearTask>& tasks, int threads, const CancellationToken& cancel) {
    // Tiles are fixed by the shapes alone (never by the thread count), so each output element is
    // always produced by the same kernel call: results are bitwise identical for any thread count.
    constexpr std::int64_t rowTile = 256;
    // Narrower column tiles when there are few rows, so that short sequences still give every
    // worker something to do; at least 64 columns to keep the kernel efficient. Always whole
    // register tiles (multiplyPacked starts at a panel boundary).
    static_assert(64 % kTileCols == 0);
    std::int64_t colTile = 256;
    auto tileCount = [&](std::int64_t width) {
        std::int64_t count = 0;
        for (const LinearTask& task : tasks)
            count +=
                ((task.rows + rowTile - 1) / rowTile) * ((task.weight.width + width - 1) / width);
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
            for (std::int64_t c = 0; c < tasks[t].weight.width; c += colTile)
                tiles.push_back({t, r, c});

    tbb::enumerable_thread_specific<AlignedVector<float>> edgeRows;
    parallelForBlocks(
        threads, static_cast<std::int64_t>(tiles.size()), cancel, [&](std::int64_t index) {
            const Tile& tile = tiles[static_cast<std::size_t>(index)];
            const LinearTask& task = tasks[tile.task];
            const std::int64_t depth = task.weight.depth;
            const std::int64_t rows = std::min(rowTile, task.rows - tile.row0);
            const std::int64_t cols = std::min(colTile, task.weight.width - tile.col0);
            multiplyPacked(task.input + tile.row0 * depth, depth, rows, task.weight, tile.col0,
                           cols, task.bias != nullptr ? task.bias + tile.col0 : nullptr,
                           task.output + tile.row0 * task.outputRowStride + tile.col0,
                           task.outputRowStride, edgeRows.local());
        });
}

} // namespace attnscope::detail
