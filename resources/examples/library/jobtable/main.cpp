// A program with its own work, run through requeue::run(), and Requeue's job
// table on the same runner: every attempt, retry and result shows up live,
// and the table's rows can be sorted like in the Requeue window.
#include <requeue/future.h>
#include <requeue/jobtablemodel.h>

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>
#include <QWidget>

#include <stdexcept>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);

    requeue::JobRunner runner;
    runner.setMaxWorkers(3);

    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *status = new QLabel(QStringLiteral("Working..."));
    auto *view = new QTableView;
    // The model follows the runner's change feed; it must live in the
    // runner's thread (here, the GUI thread).
    auto *model = new requeue::JobTableModel(&runner, view);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(status);
    layout->addWidget(view);
    window.resize(900, 400);
    window.setWindowTitle(QStringLiteral("Requeue: my program's jobs"));

    requeue::RetryPolicy policy;
    policy.maxAttempts = 4;
    QList<QFuture<int>> futures;
    for (int i = 1; i <= 8; ++i) {
        requeue::JobSpec spec;
        spec.name = QStringLiteral("step %1").arg(i);
        spec.retry = policy;
        futures.append(requeue::run(&runner, spec, [i](const requeue::AttemptContext &context) {
            QThread::msleep(300); // the work itself
            if (context.attempt < i % 3 + 1)
                throw std::runtime_error("not yet");
            return i * i;
        }));
    }
    // One more that never succeeds: the table shows it give up.
    requeue::JobSpec hopeless;
    hopeless.name = QStringLiteral("hopeless");
    hopeless.retry = policy;
    requeue::run(&runner, hopeless, []() -> int {
        throw std::runtime_error("always fails");
    }).onFailed(&window, [status](const std::runtime_error &e) {
        status->setText(QStringLiteral("hopeless gave up: %1").arg(QString::fromUtf8(e.what())));
        return 0;
    });

    QObject::connect(&runner, &requeue::JobRunner::idle, &window, [status, &runner] {
        status->setText(status->text()
                        + QStringLiteral("; all done, %1 attempts").arg(runner.totalAttempts()));
    });

    runner.start();
    window.show();
    return app.exec();
}
