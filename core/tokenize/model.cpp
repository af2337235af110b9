#include "core/tokenize/model.h"

namespace attnscope {

std::optional<int> Model::tokenToId(const std::string& token) const {
    const auto it = m_vocab.find(token);
    if (it == m_vocab.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<std::string> Model::idToToken(int id) const {
    const auto it = m_reverse.find(id);
    if (it == m_reverse.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<int> Model::unkTokenId() const {
    if (!m_unkToken) {
        return std::nullopt;
    }
    return tokenToId(*m_unkToken);
}

void Model::indexVocab() {
    m_reverse.clear();
    m_reverse.reserve(m_vocab.size());
    for (const auto& [token, id] : m_vocab) {
        m_reverse.emplace(id, token);
    }
}

} // namespace attnscope
