#pragma once

// The 64-id BERT fixture of tests/data/models/bert_mlm, made usable on text: tests that run a
// model on sentences copy it next to a vocab.txt of their own words.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

namespace attnscope::testing {

/**
 * Copies config.json and model.safetensors of `fixture` (a QFINDTESTDATA path to bert_mlm) into
 * `folder` (created) and writes vocab.txt: the 5 special tokens, then `words`, then "w<i>" fillers
 * up to id 63. Returns what went wrong, or an empty string.
 */
inline QString writeTinyBert(const QString& fixture, const QString& folder,
                             const QStringList& words = {}) {
    if (fixture.isEmpty())
        return QStringLiteral("the bert_mlm fixture was not found");
    if (!QDir().mkpath(folder))
        return QStringLiteral("cannot create ") + folder;
    for (const char* name : {"config.json", "model.safetensors"}) {
        if (!QFile::copy(QDir(fixture).filePath(QLatin1String(name)),
                         QDir(folder).filePath(QLatin1String(name))))
            return QStringLiteral("cannot copy %1 into %2").arg(QLatin1String(name), folder);
    }
    QByteArray vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
    for (const QString& word : words)
        vocab += word.toUtf8() + "\n";
    for (qsizetype id = 5 + words.size(); id < 64; ++id)
        vocab += "w" + QByteArray::number(id) + "\n";
    QFile file(QDir(folder).filePath(QStringLiteral("vocab.txt")));
    if (!file.open(QIODevice::WriteOnly) || file.write(vocab) != vocab.size())
        return QStringLiteral("cannot write ") + file.fileName();
    return {};
}

} // namespace attnscope::testing
