// Downloads twelve files over a flaky "network": most files fail their first
// attempts, by throwing. requeue::mapped() retries each file on its own at
// once, up to five attempts, while the others go on; the continuation runs
// once every file is in. Exit status 0 when all arrived.
#include <requeue/future.h>

#include <QCoreApplication>
#include <QThread>

#include <cstdio>
#include <stdexcept>

namespace {

struct NetworkError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// The size of `url` in bytes, or an exception, like a real download.
qint64 download(const QString &url, const requeue::AttemptContext &context)
{
    QThread::msleep(5); // the transfer
    // Flaky, but the same on every run: file n fails its first n % 4 attempts.
    const int failures
        = url.section(QLatin1Char('-'), -1).section(QLatin1Char('.'), 0, 0).toInt() % 4;
    if (context.attempt <= failures)
        throw NetworkError("connection reset");
    std::printf("%s: attempt %d ok\n", qPrintable(url), context.attempt);
    return 1000 + url.size() * 100;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    requeue::JobRunner runner;
    runner.setMaxWorkers(4);
    runner.start();

    QStringList urls;
    for (int i = 1; i <= 12; ++i)
        urls.append(QStringLiteral("https://example.org/file-%1.bin").arg(i));

    requeue::RetryPolicy policy;
    policy.maxAttempts = 5; // per file, the first attempt included

    QFuture<qint64> sizes = requeue::mapped(&runner, policy, urls, download);
    int status = 1;
    sizes
        .then(&app,
              [&](QFuture<qint64> done) {
                  qint64 total = 0;
                  for (qint64 size : done.results())
                      total += size;
                  std::printf("%lld files, %lld bytes, %d attempts\n",
                              static_cast<long long>(done.resultCount()),
                              static_cast<long long>(total), runner.totalAttempts());
                  status = 0;
              })
        .onFailed(&app,
                  [&](const NetworkError &e) {
                      std::printf("gave up: %s\n", e.what());
                      status = 1;
                  })
        .then(&app, [] { QCoreApplication::quit(); });
    app.exec();
    return status;
}
