#!/usr/bin/env python3
# Writes the SQL the PostgreSQL store writer sends for message batches, to time
# it on PostgreSQL alone with psql (docs/benchmarks.md, "PostgreSQL ingest by COPY"):
#   pg-batch-sql.py insert|copy BATCHES ROWS FIRST_SEQ > f.sql; time psql URL -q -f f.sql
# insert: UPDATE of channels.last_seq, then 500-row WITH ... INSERT statements
# (messages and channel_events, RETURNING gids); copy: the same UPDATE, a COPY
# for each table (gids from the identity default) and a nextval per row (the
# writer draws the gids first and writes them; here they are drawn twice). Needs a schema made by
# `switchboard-server migrate --database URL`, a workspace 'w' and channels ch0..ch15:
#   INSERT INTO workspaces (id, name, created_at) VALUES ('w','w',0);
#   INSERT INTO channels (id, workspace_id, name, type, created_at)
#     SELECT 'ch'||i, 'w', 'ch'||i, 'public', 0 FROM generate_series(0,15) i;
# FIRST_SEQ must be above every seq used before (the channels' seqs are unique).
import sys, uuid, random, json
mode=sys.argv[1]; batches=int(sys.argv[2]); n=int(sys.argv[3]); start=int(sys.argv[4])
chs=[f"ch{i}" for i in range(16)]
out=[]
seq={c:start for c in chs}
for b in range(batches):
    out.append("BEGIN;")
    rows=[]
    for i in range(n):
        c=chs[i%16]; seq[c]+=1
        rows.append((str(uuid.uuid4()),c,"user-"+c,seq[c],"sb-bench:123456789:%d:xxxxxxxxxxxxxxxxxxxxxxxx"%i,1700000000000))
    out.append("UPDATE channels AS c SET last_seq = c.last_seq + v.n FROM (VALUES %s) AS v(id,n) WHERE c.id=v.id RETURNING c.id, c.last_seq;"%",".join("('%s',%d)"%(c,n//16) for c in sorted(chs)))
    def payload(r): return json.dumps({"type":"new_message","data":{"id":r[0],"channel_id":r[1],"user_id":r[2],"content":r[4],"seq":r[3],"created_at":r[5]}})
    if mode=="insert":
        for k in range(0,n,500):
            ch=rows[k:k+500]
            out.append("WITH m AS (INSERT INTO messages (id, channel_id, user_id, seq, content, thread_id, reply_to_id, forwarded_from_id, metadata, attachments, mentions, created_at) VALUES "+",".join("('%s','%s','%s',%d,'%s',NULL,NULL,NULL,NULL,NULL,NULL,%d)"%r for r in ch)+") INSERT INTO channel_events (channel_id, seq, type, payload, created_at) VALUES "+",".join("('%s',%d,'message','%s',%d)"%(r[1],r[3],payload(r),r[5]) for r in ch)+" RETURNING channel_id, seq, gid;")
    else:
        out.append("COPY messages (id, channel_id, user_id, seq, content, created_at) FROM STDIN;")
        out += ["%s\t%s\t%s\t%d\t%s\t%d"%r for r in rows]; out.append("\\.")
        out.append("COPY channel_events (channel_id, seq, type, payload, created_at) FROM STDIN;")
        out += ["%s\t%d\tmessage\t%s\t%d"%(r[1],r[3],payload(r).replace("\\","\\\\"),r[5]) for r in rows]; out.append("\\.")
        out.append("SELECT nextval(pg_get_serial_sequence('channel_events','gid')) FROM generate_series(1,%d);"%n)
    out.append("COMMIT;")
print("\n".join(out))
