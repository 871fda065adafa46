#pragma once
// The chat core on a real Store (SQLite in a temporary directory) with fake
// sessions, shared by the core suites: a test class derives from QObject and
// this, calls openStore() + startChat() in init() and closeAll() in cleanup().
#include "core/ChatService.h"
#include "AwaitResult.h"
#include "FakeSession.h"
#include "storage/Store.h"

#include <QTemporaryDir>
#include <QtDebug>

#include <memory>

namespace switchboard {

class CoreFixture
{
protected:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ChatService> m_chat;
    QList<FakeSession *> m_sessions;
    CoreConfig m_config;
    QByteArray m_secret = QByteArrayLiteral("core-fixture-secret-0123456789abcdef0123");
    QString m_password = QStringLiteral("correct horse");
    bool m_followsByDefault = true; // sessions follow the user's memberships (flat JSON style)

    ChatService &chat() { return *m_chat; }

    // A fresh temporary directory and a Store on SQLite there.
    bool openStore()
    {
        if (!m_dir) m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid()) return false;
        m_store = std::make_unique<Store>();
        QString error;
        if (m_store->open(QStringLiteral("sqlite:"), m_dir->path(), &error)) return true;
        qWarning() << "Store::open:" << error;
        return false;
    }

    bool startChat()
    {
        m_chat = std::make_unique<ChatService>(m_store.get(), m_secret, m_config);
        QString error;
        if (m_chat->start(&error)) return true;
        qWarning() << "ChatService::start:" << error;
        return false;
    }

    void dropSessions()
    {
        for (FakeSession *s : std::as_const(m_sessions)) {
            if (m_chat) m_chat->detachSession(s);
            delete s;
        }
        m_sessions.clear();
    }

    // A new ChatService over the same Store, as after a server restart.
    bool restartChat()
    {
        dropSessions();
        m_chat.reset();
        return startChat();
    }

    // A new ChatService and a new Store over the same database file.
    bool restartChatAndStore()
    {
        dropSessions();
        m_chat.reset();
        m_store.reset();
        return openStore() && startChat();
    }

    void closeAll()
    {
        dropSessions();
        m_chat.reset();
        m_store.reset();
        m_dir.reset();
    }

    User registered(const QString &name)
    {
        const Result<User> r = AWAIT(User, chat().registerUser(name, m_password, name + QStringLiteral("@example.test"),
                                                               QString(), nullptr, done));
        if (!r.ok()) qWarning() << "register" << name << "failed:" << r.error.message;
        return r.value;
    }

    FakeSession *connectAs(const User &u) { return connectAs(u, m_followsByDefault); }
    FakeSession *connectAs(const User &u, bool followsMemberships)
    {
        auto *s = new FakeSession(u, followsMemberships);
        if (CoreError e = chat().attachSession(s)) {
            qWarning() << "attach failed:" << e.message;
            delete s;
            return nullptr;
        }
        m_sessions.append(s);
        return s;
    }

    void disconnectSession(FakeSession *s)
    {
        chat().detachSession(s);
        m_sessions.removeAll(s);
        delete s;
    }

    QString general() const
    {
        return m_chat->directory().findChannelByName(m_chat->directory().defaultWorkspaceId(),
                                                     QStringLiteral("general"));
    }
};

} // namespace switchboard
