#pragma once

// Runs the real attnscope-cli (ATTNSCOPE_CLI_PATH, set by CMake) and collects what it did.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

struct CliRun {
    bool finished = false;
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
};

inline CliRun runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(ATTNSCOPE_CLI_PATH), arguments);
    process.closeWriteChannel();
    CliRun run;
    run.finished = process.waitForFinished(300'000);
    if (!run.finished) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitCode();
    run.exitStatus = process.exitStatus();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

/** "exit 2 (normal), stdout: …, stderr: …" for failure messages. */
inline QString describe(const CliRun& run) {
    return QStringLiteral("exit %1 (%2), stdout: %3, stderr: %4")
        .arg(run.exitCode)
        .arg(run.exitStatus == QProcess::NormalExit ? "normal" : "crash")
        .arg(QString::fromUtf8(run.out.left(500)), QString::fromUtf8(run.err.left(500)));
}
