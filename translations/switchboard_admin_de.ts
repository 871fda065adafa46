<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Connection id</source>
        <translation>Verbindungs-ID</translation>
    </message>
    <message>
        <source>Reason (shown to the user, optional)</source>
        <translation>Grund (wird dem Benutzer angezeigt, optional)</translation>
    </message>
    <message>
        <source>User id</source>
        <translation>Benutzer-ID</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Nachrichtentext</translation>
    </message>
</context>
<context>
    <name>AdminActions</name>
    <message>
        <source>Disconnect a connection on %1</source>
        <translation>Eine Verbindung auf %1 trennen</translation>
    </message>
    <message>
        <source>Close which connection held by node %1? (Its id as that node's console lists it.)</source>
        <translation>Welche Verbindung auf Knoten %1 schließen? (Ihre ID, wie die Konsole dieses Knotens sie zeigt.)</translation>
    </message>
    <message>
        <source>Disconnect user everywhere</source>
        <translation>Benutzer überall trennen</translation>
    </message>
    <message>
        <source>Close every session of %1 on every node of the cluster? They may reconnect.</source>
        <translation>Jede Sitzung von %1 auf jedem Knoten des Clusters schließen? Der Benutzer kann sich wieder verbinden.</translation>
    </message>
    <message>
        <source>&amp;Disconnect all</source>
        <translation>&amp;Alle trennen</translation>
    </message>
    <message>
        <source>Disconnect connection</source>
        <translation>Verbindung trennen</translation>
    </message>
    <message>
        <source>Close connection %1 of %2 (%3, %4)? The client may reconnect unless the user is disabled.</source>
        <translation>Verbindung %1 von %2 (%3, %4) schließen? Der Client kann sich neu verbinden, solange der Benutzer nicht gesperrt ist.</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>Send system message</source>
        <translation>Systemnachricht senden</translation>
    </message>
    <message>
        <source>Send a system message to everyone in #%1?</source>
        <translation>Eine Systemnachricht an alle in #%1 senden?</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Senden</translation>
    </message>
    <message>
        <source>Broadcast system message</source>
        <translation>Systemnachricht an alle</translation>
    </message>
    <message>
        <source>Send a system message to every connected client, in every channel?</source>
        <translation>Eine Systemnachricht an jeden verbundenen Client in jedem Kanal senden?</translation>
    </message>
    <message>
        <source>&amp;Broadcast</source>
        <translation>An &amp;alle senden</translation>
    </message>
    <message>
        <source>Remove from channel</source>
        <translation>Aus Kanal entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from #%2? Their connections leave the channel at once.</source>
        <translation>%1 aus #%2 entfernen? Die Verbindungen verlassen den Kanal sofort.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Remove which user from #%1?</source>
        <translation>Welchen Benutzer aus #%1 entfernen?</translation>
    </message>
    <message>
        <source>Disable user</source>
        <translation>Benutzer sperren</translation>
    </message>
    <message>
        <source>Disable %1? All their sockets close and their tokens stop working.</source>
        <translation>%1 sperren? Alle Sockets werden geschlossen und die Tokens werden ungültig.</translation>
    </message>
    <message>
        <source>D&amp;isable</source>
        <translation>&amp;Sperren</translation>
    </message>
    <message>
        <source>Close connection %1 of %2 (%3, %4) on node %5? The client may reconnect unless the user is disabled.</source>
        <translation>Verbindung %1 von %2 (%3, %4) auf Knoten %5 schließen? Der Client kann sich neu verbinden, solange der Benutzer nicht gesperrt ist.</translation>
    </message>
</context>
<context>
    <name>AdminClient</name>
    <message>
        <source>The link was closed.</source>
        <translation>Die Verbindung wurde geschlossen.</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Refused: the admin token was not accepted.</source>
        <translation>Abgelehnt: Das Admin-Token wurde nicht akzeptiert.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <source>The link was lost before the server answered.</source>
        <translation>Die Verbindung brach ab, bevor der Server antwortete.</translation>
    </message>
    <message>
        <source>link lost</source>
        <translation>Verbindung verloren</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s (%2)</source>
        <translation>Neuer Versuch in %1 s (%2)</translation>
    </message>
    <message>
        <source>Could not read a feed message: %1</source>
        <translation>Feed-Nachricht nicht lesbar: %1</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>Not connected to a server.</source>
        <translation>Mit keinem Server verbunden.</translation>
    </message>
</context>
<context>
    <name>ChannelModel</name>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Msgs/min</source>
        <translation>Nachr./min</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
</context>
<context>
    <name>ChannelsPage</name>
    <message>
        <source>Filter by name, workspace, type, id…</source>
        <translation>Nach Name, Workspace, Typ, ID filtern …</translation>
    </message>
    <message>
        <source>&amp;Send system message to #%1…</source>
        <translation>&amp;Systemnachricht an #%1 senden …</translation>
    </message>
    <message>
        <source>&amp;Remove user from #%1</source>
        <translation>Benutzer aus #%1 &amp;entfernen</translation>
    </message>
    <message>
        <source>Other user by id…</source>
        <translation>Anderer Benutzer per ID …</translation>
    </message>
    <message>
        <source>&amp;Broadcast system message…</source>
        <translation>Systemnachricht an &amp;alle …</translation>
    </message>
    <message>
        <source>Select a channel to see its details.</source>
        <translation>Wählen Sie einen Kanal, um Details zu sehen.</translation>
    </message>
    <message>
        <source>Channel id</source>
        <translation>Kanal-ID</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Online members</source>
        <translation>Mitglieder online</translation>
    </message>
    <message>
        <source>Online here</source>
        <translation>Hier online</translation>
    </message>
    <message>
        <source>Messages per minute</source>
        <translation>Nachrichten pro Minute</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message numerus="yes">
        <source>%n channel(s)</source>
        <translation><numerusform>%n Kanal</numerusform><numerusform>%n Kanäle</numerusform></translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 von %2 angezeigt</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Remember token on this computer</source>
        <translation>Token auf diesem Computer speichern</translation>
    </message>
    <message>
        <source>Connect to a Switchboard server</source>
        <translation>Mit einem Switchboard-Server verbinden</translation>
    </message>
    <message>
        <source>the server's --admin-token</source>
        <translation>das --admin-token des Servers</translation>
    </message>
    <message>
        <source>The admin feed is served at /admin/ws on every listener of the server. It is off unless the server was started with --admin-token.</source>
        <translation>Der Admin-Feed liegt unter /admin/ws auf jedem Listener des Servers. Er ist abgeschaltet, solange der Server nicht mit --admin-token gestartet wurde.</translation>
    </message>
    <message>
        <source>Feed &amp;URL:</source>
        <translation>Feed-&amp;URL:</translation>
    </message>
    <message>
        <source>Admin &amp;token:</source>
        <translation>Admin-&amp;Token:</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
</context>
<context>
    <name>ConnectionModel</name>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialekt</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Gegenstelle</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Msgs in</source>
        <translation>Nachr. ein</translation>
    </message>
    <message>
        <source>Msgs out</source>
        <translation>Nachr. aus</translation>
    </message>
    <message>
        <source>Bytes in</source>
        <translation>Bytes ein</translation>
    </message>
    <message>
        <source>Bytes out</source>
        <translation>Bytes aus</translation>
    </message>
    <message>
        <source>Send queue</source>
        <translation>Sendewarteschlange</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
</context>
<context>
    <name>ConnectionsPage</name>
    <message>
        <source>Disconnect %1 on &amp;every node…</source>
        <translation>%1 auf &amp;jedem Knoten trennen…</translation>
    </message>
    <message>
        <source>Filter by user, dialect, address, id…</source>
        <translation>Nach Benutzer, Dialekt, Adresse, ID filtern …</translation>
    </message>
    <message>
        <source>&amp;Disconnect…</source>
        <translation>&amp;Trennen …</translation>
    </message>
    <message>
        <source>&amp;Remove %1 from</source>
        <translation>%1 &amp;entfernen aus</translation>
    </message>
    <message>
        <source>D&amp;isable user %1…</source>
        <translation>Benutzer %1 &amp;sperren …</translation>
    </message>
    <message>
        <source>&amp;Broadcast system message…</source>
        <translation>Systemnachricht an &amp;alle …</translation>
    </message>
    <message>
        <source>Select a connection to see its details.</source>
        <translation>Wählen Sie eine Verbindung, um Details zu sehen.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>User id</source>
        <translation>Benutzer-ID</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialekt</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Gegenstelle</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Messages in / out</source>
        <translation>Nachrichten ein / aus</translation>
    </message>
    <message>
        <source>Bytes in / out</source>
        <translation>Bytes ein / aus</translation>
    </message>
    <message>
        <source>Send queue</source>
        <translation>Sendewarteschlange</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation><numerusform>%n Verbindung</numerusform><numerusform>%n Verbindungen</numerusform></translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 von %2 angezeigt</translation>
    </message>
    <message>
        <source>Show the connections of one node</source>
        <translation>Nur die Verbindungen eines Knotens zeigen</translation>
    </message>
    <message>
        <source>All nodes</source>
        <translation>Alle Knoten</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Nodes</source>
        <translation>&amp;Knoten</translation>
    </message>
    <message>
        <source>Switchboard Admin</source>
        <translation>Switchboard Admin</translation>
    </message>
    <message>
        <source>&amp;Overview</source>
        <translation>&amp;Übersicht</translation>
    </message>
    <message>
        <source>&amp;Connections</source>
        <translation>&amp;Verbindungen</translation>
    </message>
    <message>
        <source>C&amp;hannels</source>
        <translation>&amp;Kanäle</translation>
    </message>
    <message>
        <source>&amp;Traffic</source>
        <translation>&amp;Datenverkehr</translation>
    </message>
    <message>
        <source>Admin log</source>
        <translation>Admin-Protokoll</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 by %2: %3</source>
        <translation>%1 durch %2: %3</translation>
    </message>
    <message>
        <source>an admin</source>
        <translation>einen Admin</translation>
    </message>
    <message>
        <source>Server: %1 (%2)</source>
        <translation>Server: %1 (%2)</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Verbinden …</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>&amp;Export traffic…</source>
        <translation>Datenverkehr &amp;exportieren …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Actions</source>
        <translation>&amp;Aktionen</translation>
    </message>
    <message>
        <source>&amp;Broadcast system message…</source>
        <translation>Systemnachricht an &amp;alle …</translation>
    </message>
    <message>
        <source>&amp;Pause traffic</source>
        <translation>Datenverkehr &amp;anhalten</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Über</translation>
    </message>
    <message>
        <source>About Switchboard Admin</source>
        <translation>Über Switchboard Admin</translation>
    </message>
    <message>
        <source>&lt;b&gt;Switchboard Admin&lt;/b&gt; %1&lt;br&gt;Watches a Switchboard chat server through its admin feed: connections, channels, rates and live traffic, and acts on them.</source>
        <translation>&lt;b&gt;Switchboard Admin&lt;/b&gt; %1&lt;br&gt;Beobachtet einen Switchboard-Chatserver über seinen Admin-Feed: Verbindungen, Kanäle, Raten und Live-Datenverkehr, und greift bei Bedarf ein.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>Verbinde mit %1</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message numerus="yes">
        <source>Link lost, reconnecting in %n s…</source>
        <translation><numerusform>Verbindung verloren, neuer Versuch in %n s …</numerusform><numerusform>Verbindung verloren, neuer Versuch in %n s …</numerusform></translation>
    </message>
    <message>
        <source>%1 connections · %2 channels · %3 msg/s</source>
        <translation>%1 Verbindungen · %2 Kanäle · %3 Nachr./s</translation>
    </message>
</context>
<context>
    <name>NodeModel</name>
    <message>
        <source>down since %1</source>
        <translation>ausgefallen seit %1</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ausgefallen</translation>
    </message>
    <message>
        <source>live (this console)</source>
        <translation>aktiv (diese Konsole)</translation>
    </message>
    <message>
        <source>live</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Listen address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>live, not answering</source>
        <translation>aktiv, antwortet nicht</translation>
    </message>
</context>
<context>
    <name>NodesPage</name>
    <message>
        <source>&amp;Disconnect a connection…</source>
        <translation>Verbindung &amp;trennen…</translation>
    </message>
    <message>
        <source>Close a connection held by the selected node, by its id</source>
        <translation>Eine Verbindung des gewählten Knotens schließen, nach ihrer ID</translation>
    </message>
    <message>
        <source>&amp;Disconnect a connection on %1…</source>
        <translation>Eine Verbindung auf %1 &amp;trennen…</translation>
    </message>
    <message>
        <source>This server is not in a cluster: it is the only node.</source>
        <translation>Dieser Server ist in keinem Cluster: er ist der einzige Knoten.</translation>
    </message>
    <message>
        <source>%1 of %2 node(s) live, %3 connection(s) in all; this console is attached to %4.</source>
        <translation>%1 von %2 Knoten aktiv, %3 Verbindung(en) insgesamt; diese Konsole ist mit %4 verbunden.</translation>
    </message>
    <message>
        <source>&amp;Show its connections</source>
        <translation>&amp;Verbindungen zeigen</translation>
    </message>
    <message>
        <source>The connections tab, showing only the connections the selected node holds</source>
        <translation>Der Reiter Verbindungen, nur mit den Verbindungen des gewählten Knotens</translation>
    </message>
    <message>
        <source>Filter by node, health, address…</source>
        <translation>Nach Knoten, Zustand, Adresse filtern…</translation>
    </message>
    <message>
        <source>&amp;Show the connections of %1</source>
        <translation>Verbindungen von %1 &amp;zeigen</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Connections by dialect</source>
        <translation>Verbindungen nach Dialekt</translation>
    </message>
    <message>
        <source>Message rates (per second)</source>
        <translation>Nachrichtenraten (pro Sekunde)</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Messages in / s</source>
        <translation>Nachrichten ein / s</translation>
    </message>
    <message>
        <source>Deliveries out / s</source>
        <translation>Zustellungen aus / s</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Storage latency</source>
        <translation>Speicherlatenz</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Messages in / deliveries (total)</source>
        <translation>Nachrichten ein / Zustellungen (gesamt)</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>total</source>
        <translation>gesamt</translation>
    </message>
    <message>
        <source>messages in</source>
        <translation>Nachrichten ein</translation>
    </message>
    <message>
        <source>deliveries out</source>
        <translation>Zustellungen aus</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
</context>
<context>
    <name>RateChart</name>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>-%1 min</source>
        <translation>-%1 min</translation>
    </message>
    <message>
        <source>-%1 s</source>
        <translation>-%1 s</translation>
    </message>
</context>
<context>
    <name>TrafficModel</name>
    <message>
        <source>in</source>
        <translation>ein</translation>
    </message>
    <message>
        <source>out</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialekt</translation>
    </message>
    <message>
        <source>Dir</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Inhalt</translation>
    </message>
</context>
<context>
    <name>TrafficPage</name>
    <message>
        <source>All dialects</source>
        <translation>Alle Dialekte</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source> events</source>
        <translation> Ereignisse</translation>
    </message>
    <message>
        <source>How many events the history keeps; the oldest go first.</source>
        <translation>Wie viele Ereignisse der Verlauf behält; die ältesten fallen zuerst weg.</translation>
    </message>
    <message>
        <source> /s</source>
        <translation> /s</translation>
    </message>
    <message>
        <source>The most events per second the server sends this console; the rest are counted as dropped.</source>
        <translation>Höchstens so viele Ereignisse pro Sekunde sendet der Server dieser Konsole; der Rest wird als verworfen gezählt.</translation>
    </message>
    <message>
        <source>Clear the history</source>
        <translation>Verlauf leeren</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Rate cap:</source>
        <translation>Ratenlimit:</translation>
    </message>
    <message>
        <source>History:</source>
        <translation>Verlauf:</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>%1 of %2 events shown, %3 received, %4 dropped by the server's rate cap</source>
        <translation>%1 von %2 Ereignissen angezeigt, %3 empfangen, %4 vom Ratenlimit des Servers verworfen</translation>
    </message>
    <message>
        <source>Paused. </source>
        <translation>Angehalten. </translation>
    </message>
    <message>
        <source>Export traffic</source>
        <translation>Datenverkehr exportieren</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl);;CSV (*.csv)</source>
        <translation>JSON Lines (*.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>FilteredTable</name>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 von %2 angezeigt</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Admin console for a Switchboard chat server.</source>
        <translation>Admin-Konsole für einen Switchboard-Chatserver.</translation>
    </message>
    <message>
        <source>Admin feed URL.</source>
        <translation>URL des Admin-Feeds.</translation>
    </message>
    <message>
        <source>Admin token (or SWITCHBOARD_ADMIN_TOKEN).</source>
        <translation>Admin-Token (oder SWITCHBOARD_ADMIN_TOKEN).</translation>
    </message>
    <message>
        <source>Tab to show first: overview, connections, channels, traffic or nodes.</source>
        <translation>Zuerst gezeigter Reiter: overview, connections, channels, traffic oder nodes.</translation>
    </message>
    <message>
        <source>Save a PNG of every tab into DIR, then quit.</source>
        <translation>Ein PNG jedes Reiters in DIR speichern, dann beenden.</translation>
    </message>
    <message>
        <source>Milliseconds to watch before the screenshots.</source>
        <translation>Millisekunden Beobachtung vor den Bildschirmfotos.</translation>
    </message>
    <message>
        <source>Window size, WIDTHxHEIGHT.</source>
        <translation>Fenstergröße, BREITExHÖHE.</translation>
    </message>
</context>
</TS>
