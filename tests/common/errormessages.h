#pragma once

// Checks of attnscope's error contract: one line, naming the file or field first, saying what was
// expected.

#include "core/base/error.h"

#include <QString>
#include <QStringList>

namespace attnscope::testing {

/** What errorOf returns when nothing was thrown. */
inline const QString kNoError = QStringLiteral("<no error>");

/** The message of the Error that `call` throws, or kNoError. */
template <typename Call> QString errorOf(Call&& call) {
    try {
        call();
    } catch (const Error& error) {
        return QString::fromStdString(error.what());
    }
    return kNoError;
}

/** Empty when `message` is one line that starts with `prefix` and contains every fragment. */
inline QString messageProblem(const QString& message, const QString& prefix,
                              const QStringList& fragments) {
    if (!message.startsWith(prefix))
        return QStringLiteral("does not start with \"%1\": %2").arg(prefix, message);
    if (message.contains(QLatin1Char('\n')))
        return QStringLiteral("is not one line: ") + message;
    for (const QString& fragment : fragments)
        if (!message.contains(fragment))
            return QStringLiteral("lacks \"%1\": %2").arg(fragment, message);
    return {};
}

/** messageProblem for messages that name a file first: "<path>: ...". */
inline QString fileMessageProblem(const QString& message, const QString& path,
                                  const QStringList& fragments) {
    return messageProblem(message, path + QStringLiteral(": "), fragments);
}

} // namespace attnscope::testing
