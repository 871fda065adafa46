<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Connection id</source>
        <translation>Connection id</translation>
    </message>
    <message>
        <source>Reason (shown to the user, optional)</source>
        <translation>Reason (shown to the user, optional)</translation>
    </message>
    <message>
        <source>User id</source>
        <translation>User id</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Message text</translation>
    </message>
</context>
<context>
    <name>AdminActions</name>
    <message>
        <source>Disconnect a connection on %1</source>
        <translation>Disconnect a connection on %1</translation>
    </message>
    <message>
        <source>Close which connection held by node %1? (Its id as that node's console lists it.)</source>
        <translation>Close which connection held by node %1? (Its id as that node's console lists it.)</translation>
    </message>
    <message>
        <source>Disconnect user everywhere</source>
        <translation>Disconnect user everywhere</translation>
    </message>
    <message>
        <source>Close every session of %1 on every node of the cluster? They may reconnect.</source>
        <translation>Close every session of %1 on every node of the cluster? They may reconnect.</translation>
    </message>
    <message>
        <source>&amp;Disconnect all</source>
        <translation>&amp;Disconnect all</translation>
    </message>
    <message>
        <source>Disconnect connection</source>
        <translation>Disconnect connection</translation>
    </message>
    <message>
        <source>Close connection %1 of %2 (%3, %4)? The client may reconnect unless the user is disabled.</source>
        <translation>Close connection %1 of %2 (%3, %4)? The client may reconnect unless the user is disabled.</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Disconnect</translation>
    </message>
    <message>
        <source>Send system message</source>
        <translation>Send system message</translation>
    </message>
    <message>
        <source>Send a system message to everyone in #%1?</source>
        <translation>Send a system message to everyone in #%1?</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Send</translation>
    </message>
    <message>
        <source>Broadcast system message</source>
        <translation>Broadcast system message</translation>
    </message>
    <message>
        <source>Send a system message to every connected client, in every channel?</source>
        <translation>Send a system message to every connected client, in every channel?</translation>
    </message>
    <message>
        <source>&amp;Broadcast</source>
        <translation>&amp;Broadcast</translation>
    </message>
    <message>
        <source>Remove from channel</source>
        <translation>Remove from channel</translation>
    </message>
    <message>
        <source>Remove %1 from #%2? Their connections leave the channel at once.</source>
        <translation>Remove %1 from #%2? Their connections leave the channel at once.</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Remove</translation>
    </message>
    <message>
        <source>Remove which user from #%1?</source>
        <translation>Remove which user from #%1?</translation>
    </message>
    <message>
        <source>Disable user</source>
        <translation>Disable user</translation>
    </message>
    <message>
        <source>Disable %1? All their sockets close and their tokens stop working.</source>
        <translation>Disable %1? All their sockets close and their tokens stop working.</translation>
    </message>
    <message>
        <source>D&amp;isable</source>
        <translation>D&amp;isable</translation>
    </message>
    <message>
        <source>Close connection %1 of %2 (%3, %4) on node %5? The client may reconnect unless the user is disabled.</source>
        <translation>Close connection %1 of %2 (%3, %4) on node %5? The client may reconnect unless the user is disabled.</translation>
    </message>
</context>
<context>
    <name>AdminClient</name>
    <message>
        <source>The link was closed.</source>
        <translation>The link was closed.</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Disconnected</translation>
    </message>
    <message>
        <source>Refused: the admin token was not accepted.</source>
        <translation>Refused: the admin token was not accepted.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>The link was lost before the server answered.</source>
        <translation>The link was lost before the server answered.</translation>
    </message>
    <message>
        <source>link lost</source>
        <translation>link lost</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s (%2)</source>
        <translation>Reconnecting in %1 s (%2)</translation>
    </message>
    <message>
        <source>Could not read a feed message: %1</source>
        <translation>Could not read a feed message: %1</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Connected to %1</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Refused: %1</translation>
    </message>
    <message>
        <source>Not connected to a server.</source>
        <translation>Not connected to a server.</translation>
    </message>
</context>
<context>
    <name>ChannelModel</name>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Msgs/min</source>
        <translation>Msgs/min</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Last activity</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
</context>
<context>
    <name>ChannelsPage</name>
    <message>
        <source>Filter by name, workspace, type, id…</source>
        <translation>Filter by name, workspace, type, id…</translation>
    </message>
    <message>
        <source>&amp;Send system message to #%1…</source>
        <translation>&amp;Send system message to #%1…</translation>
    </message>
    <message>
        <source>&amp;Remove user from #%1</source>
        <translation>&amp;Remove user from #%1</translation>
    </message>
    <message>
        <source>Other user by id…</source>
        <translation>Other user by id…</translation>
    </message>
    <message>
        <source>&amp;Broadcast system message…</source>
        <translation>&amp;Broadcast system message…</translation>
    </message>
    <message>
        <source>Select a channel to see its details.</source>
        <translation>Select a channel to see its details.</translation>
    </message>
    <message>
        <source>Channel id</source>
        <translation>Channel id</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>Online members</source>
        <translation>Online members</translation>
    </message>
    <message>
        <source>Online here</source>
        <translation>Online here</translation>
    </message>
    <message>
        <source>Messages per minute</source>
        <translation>Messages per minute</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Last activity</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message numerus="yes">
        <source>%n channel(s)</source>
        <translation><numerusform>%n channel(s)</numerusform><numerusform>%n channel(s)</numerusform></translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 of %2 shown</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Remember token on this computer</source>
        <translation>Remember token on this computer</translation>
    </message>
    <message>
        <source>Connect to a Switchboard server</source>
        <translation>Connect to a Switchboard server</translation>
    </message>
    <message>
        <source>the server's --admin-token</source>
        <translation>the server's --admin-token</translation>
    </message>
    <message>
        <source>The admin feed is served at /admin/ws on every listener of the server. It is off unless the server was started with --admin-token.</source>
        <translation>The admin feed is served at /admin/ws on every listener of the server. It is off unless the server was started with --admin-token.</translation>
    </message>
    <message>
        <source>Feed &amp;URL:</source>
        <translation>Feed &amp;URL:</translation>
    </message>
    <message>
        <source>Admin &amp;token:</source>
        <translation>Admin &amp;token:</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Connect</translation>
    </message>
</context>
<context>
    <name>ConnectionModel</name>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialect</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Remote address</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User agent</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Connected since</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Channels</translation>
    </message>
    <message>
        <source>Msgs in</source>
        <translation>Msgs in</translation>
    </message>
    <message>
        <source>Msgs out</source>
        <translation>Msgs out</translation>
    </message>
    <message>
        <source>Bytes in</source>
        <translation>Bytes in</translation>
    </message>
    <message>
        <source>Bytes out</source>
        <translation>Bytes out</translation>
    </message>
    <message>
        <source>Send queue</source>
        <translation>Send queue</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
</context>
<context>
    <name>ConnectionsPage</name>
    <message>
        <source>Disconnect %1 on &amp;every node…</source>
        <translation>Disconnect %1 on &amp;every node…</translation>
    </message>
    <message>
        <source>Filter by user, dialect, address, id…</source>
        <translation>Filter by user, dialect, address, id…</translation>
    </message>
    <message>
        <source>&amp;Disconnect…</source>
        <translation>&amp;Disconnect…</translation>
    </message>
    <message>
        <source>&amp;Remove %1 from</source>
        <translation>&amp;Remove %1 from</translation>
    </message>
    <message>
        <source>D&amp;isable user %1…</source>
        <translation>D&amp;isable user %1…</translation>
    </message>
    <message>
        <source>&amp;Broadcast system message…</source>
        <translation>&amp;Broadcast system message…</translation>
    </message>
    <message>
        <source>Select a connection to see its details.</source>
        <translation>Select a connection to see its details.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>User id</source>
        <translation>User id</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialect</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Remote address</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User agent</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Connected since</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Channels</translation>
    </message>
    <message>
        <source>Messages in / out</source>
        <translation>Messages in / out</translation>
    </message>
    <message>
        <source>Bytes in / out</source>
        <translation>Bytes in / out</translation>
    </message>
    <message>
        <source>Send queue</source>
        <translation>Send queue</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation><numerusform>%n connection(s)</numerusform><numerusform>%n connection(s)</numerusform></translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 of %2 shown</translation>
    </message>
    <message>
        <source>Show the connections of one node</source>
        <translation>Show the connections of one node</translation>
    </message>
    <message>
        <source>All nodes</source>
        <translation>All nodes</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Nodes</source>
        <translation>&amp;Nodes</translation>
    </message>
    <message>
        <source>Switchboard Admin</source>
        <translation>Switchboard Admin</translation>
    </message>
    <message>
        <source>&amp;Overview</source>
        <translation>&amp;Overview</translation>
    </message>
    <message>
        <source>&amp;Connections</source>
        <translation>&amp;Connections</translation>
    </message>
    <message>
        <source>C&amp;hannels</source>
        <translation>C&amp;hannels</translation>
    </message>
    <message>
        <source>&amp;Traffic</source>
        <translation>&amp;Traffic</translation>
    </message>
    <message>
        <source>Admin log</source>
        <translation>Admin log</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 failed: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 by %2: %3</source>
        <translation>%1 by %2: %3</translation>
    </message>
    <message>
        <source>an admin</source>
        <translation>an admin</translation>
    </message>
    <message>
        <source>Server: %1 (%2)</source>
        <translation>Server: %1 (%2)</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Not connected</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Connect…</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Disconnect</translation>
    </message>
    <message>
        <source>&amp;Export traffic…</source>
        <translation>&amp;Export traffic…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Actions</source>
        <translation>&amp;Actions</translation>
    </message>
    <message>
        <source>&amp;Broadcast system message…</source>
        <translation>&amp;Broadcast system message…</translation>
    </message>
    <message>
        <source>&amp;Pause traffic</source>
        <translation>&amp;Pause traffic</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;About</translation>
    </message>
    <message>
        <source>About Switchboard Admin</source>
        <translation>About Switchboard Admin</translation>
    </message>
    <message>
        <source>&lt;b&gt;Switchboard Admin&lt;/b&gt; %1&lt;br&gt;Watches a Switchboard chat server through its admin feed: connections, channels, rates and live traffic, and acts on them.</source>
        <translation>&lt;b&gt;Switchboard Admin&lt;/b&gt; %1&lt;br&gt;Watches a Switchboard chat server through its admin feed: connections, channels, rates and live traffic, and acts on them.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Main</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>Connecting to %1</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Connected to %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message numerus="yes">
        <source>Link lost, reconnecting in %n s…</source>
        <translation><numerusform>Link lost, reconnecting in %n s…</numerusform><numerusform>Link lost, reconnecting in %n s…</numerusform></translation>
    </message>
    <message>
        <source>%1 connections · %2 channels · %3 msg/s</source>
        <translation>%1 connections · %2 channels · %3 msg/s</translation>
    </message>
</context>
<context>
    <name>NodeModel</name>
    <message>
        <source>down since %1</source>
        <translation>down since %1</translation>
    </message>
    <message>
        <source>down</source>
        <translation>down</translation>
    </message>
    <message>
        <source>live (this console)</source>
        <translation>live (this console)</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>Listen address</source>
        <translation>Listen address</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Started</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>live, not answering</source>
        <translation>live, not answering</translation>
    </message>
</context>
<context>
    <name>NodesPage</name>
    <message>
        <source>&amp;Disconnect a connection…</source>
        <translation>&amp;Disconnect a connection…</translation>
    </message>
    <message>
        <source>Close a connection held by the selected node, by its id</source>
        <translation>Close a connection held by the selected node, by its id</translation>
    </message>
    <message>
        <source>&amp;Disconnect a connection on %1…</source>
        <translation>&amp;Disconnect a connection on %1…</translation>
    </message>
    <message>
        <source>This server is not in a cluster: it is the only node.</source>
        <translation>This server is not in a cluster: it is the only node.</translation>
    </message>
    <message>
        <source>%1 of %2 node(s) live, %3 connection(s) in all; this console is attached to %4.</source>
        <translation>%1 of %2 node(s) live, %3 connection(s) in all; this console is attached to %4.</translation>
    </message>
    <message>
        <source>&amp;Show its connections</source>
        <translation>&amp;Show its connections</translation>
    </message>
    <message>
        <source>The connections tab, showing only the connections the selected node holds</source>
        <translation>The connections tab, showing only the connections the selected node holds</translation>
    </message>
    <message>
        <source>Filter by node, health, address…</source>
        <translation>Filter by node, health, address…</translation>
    </message>
    <message>
        <source>&amp;Show the connections of %1</source>
        <translation>&amp;Show the connections of %1</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Connections by dialect</source>
        <translation>Connections by dialect</translation>
    </message>
    <message>
        <source>Message rates (per second)</source>
        <translation>Message rates (per second)</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Messages in / s</source>
        <translation>Messages in / s</translation>
    </message>
    <message>
        <source>Deliveries out / s</source>
        <translation>Deliveries out / s</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>Storage latency</source>
        <translation>Storage latency</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Channels</translation>
    </message>
    <message>
        <source>Messages in / deliveries (total)</source>
        <translation>Messages in / deliveries (total)</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Uptime</translation>
    </message>
    <message>
        <source>total</source>
        <translation>total</translation>
    </message>
    <message>
        <source>messages in</source>
        <translation>messages in</translation>
    </message>
    <message>
        <source>deliveries out</source>
        <translation>deliveries out</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>errors</translation>
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
        <translation>now</translation>
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
        <translation>in</translation>
    </message>
    <message>
        <source>out</source>
        <translation>out</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Dialect</source>
        <translation>Dialect</translation>
    </message>
    <message>
        <source>Dir</source>
        <translation>Dir</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
</context>
<context>
    <name>TrafficPage</name>
    <message>
        <source>All dialects</source>
        <translation>All dialects</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Event</translation>
    </message>
    <message>
        <source> events</source>
        <translation> events</translation>
    </message>
    <message>
        <source>How many events the history keeps; the oldest go first.</source>
        <translation>How many events the history keeps; the oldest go first.</translation>
    </message>
    <message>
        <source> /s</source>
        <translation> /s</translation>
    </message>
    <message>
        <source>The most events per second the server sends this console; the rest are counted as dropped.</source>
        <translation>The most events per second the server sends this console; the rest are counted as dropped.</translation>
    </message>
    <message>
        <source>Clear the history</source>
        <translation>Clear the history</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>Rate cap:</source>
        <translation>Rate cap:</translation>
    </message>
    <message>
        <source>History:</source>
        <translation>History:</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>%1 of %2 events shown, %3 received, %4 dropped by the server's rate cap</source>
        <translation>%1 of %2 events shown, %3 received, %4 dropped by the server's rate cap</translation>
    </message>
    <message>
        <source>Paused. </source>
        <translation>Paused. </translation>
    </message>
    <message>
        <source>Export traffic</source>
        <translation>Export traffic</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl);;CSV (*.csv)</source>
        <translation>JSON Lines (*.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Could not write %1: %2</translation>
    </message>
</context>
<context>
    <name>FilteredTable</name>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%1 of %2 shown</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Admin console for a Switchboard chat server.</source>
        <translation>Admin console for a Switchboard chat server.</translation>
    </message>
    <message>
        <source>Admin feed URL.</source>
        <translation>Admin feed URL.</translation>
    </message>
    <message>
        <source>Admin token (or SWITCHBOARD_ADMIN_TOKEN).</source>
        <translation>Admin token (or SWITCHBOARD_ADMIN_TOKEN).</translation>
    </message>
    <message>
        <source>Tab to show first: overview, connections, channels, traffic or nodes.</source>
        <translation>Tab to show first: overview, connections, channels, traffic or nodes.</translation>
    </message>
    <message>
        <source>Save a PNG of every tab into DIR, then quit.</source>
        <translation>Save a PNG of every tab into DIR, then quit.</translation>
    </message>
    <message>
        <source>Milliseconds to watch before the screenshots.</source>
        <translation>Milliseconds to watch before the screenshots.</translation>
    </message>
    <message>
        <source>Window size, WIDTHxHEIGHT.</source>
        <translation>Window size, WIDTHxHEIGHT.</translation>
    </message>
</context>
</TS>
