#include "core/formats/atomicwrite.h"

#include "core/base/error.h"

#include <QSaveFile>
#include <QString>

namespace attnscope {

void writeFileAtomically(const std::string& path, std::string_view bytes) {
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly))
        throw Error(path + ": cannot open for writing: " + file.errorString().toStdString());

    const char* data = bytes.data();
    auto remaining = static_cast<qint64>(bytes.size());
    while (remaining > 0) {
        const qint64 written = file.write(data, remaining);
        if (written <= 0) {
            const std::string reason = file.errorString().toStdString();
            file.cancelWriting();
            throw Error(path + ": cannot write: " += reason);
        }
        data += written;
        remaining -= written;
    }
    // commit() flushes, fsyncs and renames; only then does the target change.
    if (!file.commit())
        throw Error(path + ": cannot write: " + file.errorString().toStdString());
}

} // namespace attnscope
