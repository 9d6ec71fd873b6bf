/*
 * forge_lpc.h — the forge's NT 5.x LPC objects: ports, messages and the LPC
 * state of threads, laid out by the profile under test (SEMANTICS §1-2).
 *
 * Directives (registered in forge_scenario.c; ports and messages are named
 * by a scenario label id=L that later directives refer to):
 *
 *  port id=L kind=connection name=\PATH pid=SERVER [tid=CREATOR] [waitable]
 *       [unnamed] [nohandle] [name_deleted] [noserver]
 *       A server connection port: ServerProcess = SERVER, a handle in it,
 *       named in the namespace unless `unnamed`.
 *  port id=L kind=client connect=CONNLABEL pid=CLIENT [tid=T] [server=L2]
 *       [accept_tid=T] [disconnected]
 *       A connection: the client communication port L (handle in CLIENT) and
 *       its server communication port (label L2, default "L.server", handle
 *       in the server process). `disconnected`: the client port's
 *       ConnectedPort is NULL (the server side is gone).
 *  port id=L kind=unconnected pid=P
 *  message id=L msgid=N type=request|reply|datagram|connection_request|NAME|NUMBER
 *       from=TID [queue=PORT] [datainfo=PORT] [sender=PORT] [callback=N]
 *       [data=HEX] [absent]
 *       An LPCP_MESSAGE ('LpcM' pool): queued on PORT's receive queue
 *       (semaphore count + 1), or on its DataInfo chain, or on nothing (a
 *       message a thread holds). `absent`: its page is left out of the dump.
 *  lpcwait tid=T port=PORT msgid=N [noimpersonate]
 *       T waits for the reply to N sent on PORT: LpcReplyMessageId,
 *       LpcWaitingOnPort = PORT|1, LpcReplyChain on the rundown port
 *       (declare T with `thread ... reason=WrLpcReply wait=S` first).
 *  lpcconnect tid=T port=CONNPORT message=MSGLABEL [accepted=SERVERPORT]
 *       T waits for its connection (reason Executive): LpcReplyMessage = the
 *       message, on the connection port's reply chain. accepted=: the server
 *       accepted through SERVERPORT (message rewritten LPC_REPLY, id 0,
 *       ClientThread = T) and has not yet called NtCompleteConnectPort.
 *  lpchold tid=T message=MSGLABEL
 *       T holds the message (LpcReplyMessage, RepliedToThread = T,
 *       LpcReplyMessageId 0): a callback request T is handling.
 *  lpcreceive tid=T port=PORT
 *       T (reason=WrLpcReceive) waits on PORT's queue semaphore; on a
 *       waitable port, T (reason=UserRequest) waits on its WaitEvent.
 *  lpcserve tid=T msgid=N      T has received N (LpcReceivedMessageId + valid bit).
 *  lpcexit tid=T               LpcExitThreadCalled.
 *  dispatcher type=event|mutant|semaphore name=\PATH [owner=TID] [signal=N]
 *       A named dispatcher object (DISPATCHER_HEADER.Type set) for threads to
 *       wait on (`thread ... object=\PATH`); a mutant may have an owner.
 */
#ifndef LPCDUMP_FORGE_LPC_H
#define LPCDUMP_FORGE_LPC_H

#include "forge.h"

int fg_dir_port(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_message(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lpcwait(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lpcconnect(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lpcreceive(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lpchold(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lpcserve(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_lpcexit(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_dispatcher(struct fg_machine *m, int argc, char **argv, const char *where);
/* lpcdamage port=L what=queue_loop|queue_wild|chain_loop|links_wild|flags
 * (forge_lpc.c): corrupt one port the way a torn or hostile dump might. */
int fg_dir_lpcdamage(struct fg_machine *m, int argc, char **argv, const char *where);

/* For other forge files (the benchmark generator): a port by label, 0 none. */
uint64_t fg_lpc_port(struct fg_machine *m, const char *label);

#endif
