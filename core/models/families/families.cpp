// The table of model families: one row per Hugging Face model_type that attnscope runs, in the
// order messages list them ("supported: bert, roberta, distilbert, gpt2"). Each family is
// defined in its own file next to this one; adding one is that file, its row here and its line
// in core/models/CMakeLists.txt.

#include "core/models/modelfamily.h"

namespace attnscope {

extern const ModelFamily kBertFamily;       // bert.cpp
extern const ModelFamily kRobertaFamily;    // roberta.cpp
extern const ModelFamily kDistilBertFamily; // distilbert.cpp
extern const ModelFamily kGpt2Family;       // gpt2.cpp

namespace {

// Addresses only, so the table is constant-initialised: no static initialisation order to
// worry about, whichever file's rows are read first.
constexpr const ModelFamily* kFamilies[] = {
    &kBertFamily,
    &kRobertaFamily,
    &kDistilBertFamily,
    &kGpt2Family,
};

} // namespace

std::span<const ModelFamily* const> modelFamilies() {
    return kFamilies;
}

} // namespace attnscope
