#pragma once

namespace switchboard {

// Spreads per-connection periodic deadlines (pings, heartbeats, idle checks).
// Connections opened in one burst would otherwise come due in one loop pass,
// every period, and stall the room (10,000 Engine.IO pings in one pass: 100 ms).
// Each helper moves a deadline only in the direction its protocol allows.
class TimerJitter
{
public:
    // A delay in [ms * (1 - fraction), ms], never later than `ms`: for
    // deadlines a peer relies on (a ping within the advertised interval).
    // `steps` > 0 picks one of that many evenly spaced values, so that a timer
    // queue with one list per duration stays a handful of lists.
    static int earlier(int ms, double fraction, int steps = 0);
    // A delay in [ms, ms * (1 + fraction)], never earlier than `ms`: for
    // timeouts a peer may use in full (idle, expiry). `steps` as above.
    static int later(int ms, double fraction, int steps = 0);
};

} // namespace switchboard
