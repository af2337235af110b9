#include "core/models/modelfamily.h"

namespace attnscope {

const ModelFamily* findModelFamily(std::string_view modelType) {
    for (const ModelFamily* family : modelFamilies())
        if (family->modelType == modelType)
            return family;
    return nullptr;
}

std::string supportedModelTypes() {
    std::string types;
    for (const ModelFamily* family : modelFamilies()) {
        if (!types.empty())
            types += ", ";
        types += family->modelType;
    }
    return types;
}

} // namespace attnscope
