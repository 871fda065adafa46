#pragma once

#include <memory>

#include "AttachmentPolicy.h"
#include "ChatEvent.h"
#include "Message.h"
#include "Reaction.h"
#include "Result.h"

#include <QJsonObject>
#include <QObject>

namespace switchboard {

// Storage is private to the core: the stamp is only declared here.
struct EventStamp;
using EventStampPtr = std::shared_ptr<EventStamp>;

struct CoreContext;

// Messages: post, edit, delete, forward, reactions, read receipts, system
// messages, history, and the uploads that messages carry.
class MessageManager : public QObject
{
    Q_OBJECT
public:
    struct Post
    {
        QString channelId;
        QString content;
        QString threadId;
        QString replyToId;
        QString forwardedFromId;
        QList<Attachment> attachments; // as the client wrote them (AttachmentPolicy judges)
        QStringList uploadIds;         // uploads named by id alone
        QJsonObject metadata;

        // A client's "attachments" array as every dialect takes it: strings
        // are upload ids, objects are attachments; the core judges both.
        CoreError takeAttachments(const QJsonValue &list);
    };

    explicit MessageManager(CoreContext &core, QObject *parent = nullptr);

    void post(const QString &actorId, const Post &cmd, QObject *context, Callback<Message> done,
              const QString &originSessionId);
    void edit(const QString &actorId, const QString &messageId, const QString &content, QObject *context,
              Callback<Message> done);
    void remove(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done);
    void forward(const QString &actorId, const QString &messageId, const QString &targetChannelId, QObject *context,
                 Callback<Message> done);
    void addReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                     Callback<Reaction> done);
    void removeReaction(const QString &actorId, const QString &messageId, const QString &emoji, QObject *context,
                        Callback<Reaction> done);
    void removeReactionById(const QString &actorId, const QString &reactionId, QObject *context,
                            Callback<Reaction> done);
    void markRead(const QString &actorId, const QString &messageId, QObject *context, Callback<Message> done);
    void systemMessage(const QString &channelId, const QString &text, QObject *context, Callback<int> done);

    void registerUpload(const QString &actorId, const Attachment &upload, QObject *context, Callback<Attachment> done);
    Result<Attachment> upload(const QString &actorId, const QString &uploadId) const;

    Result<Message> message(const QString &actorId, const QString &messageId) const;
    // thread.started for parent's channel: ephemeral, to every node's sessions on the channel.
    void announceThreadStarted(const Message &parent, const QString &actorId, const QString &originSessionId);

private:
    void postResolved(const QString &actorId, const Post &cmd, QList<Attachment> attachments, QObject *context,
                      Callback<Message> done, const QString &originSessionId);
    // The rest of a post once the rate limit let it through (on a cluster, after Redis answered).
    void postChecked(const QString &actorId, const Post &cmd, QList<Attachment> attachments, QObject *context,
                     Callback<Message> done, const QString &originSessionId);
    void bumpThread(const Message &reply);
    // The sequence of a message in the channel (0 for none), once the actor may read the channel.
    CoreError validateContent(const QString &content, bool allowEmpty) const;
    void fillMessageContext(ChatEvent &e) const;
    // An event about a message (or its reaction) to the message's channel.
    EventStampPtr stampAbout(ChatEvent::Type type, const Message &m, const QString &actorId,
                             const Reaction &reaction = {}) const;
    void publishAbout(ChatEvent::Type type, const Message &m, const QString &actorId, const EventStampPtr &stamp,
                      const Reaction &reaction = {});

    CoreContext &m_core;
    AttachmentPolicy m_attachments;
};

} // namespace switchboard
