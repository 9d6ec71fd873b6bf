/*
 * forge_alpc.h — the forge's ALPC objects (NT 6+): ports, messages and the
 * ALPC state of threads, laid out by the profile under test and linked the
 * way the kernel links them (SEMANTICS §4.1–4.4).
 *
 * Directives (registered in forge_scenario.c; ports and messages are named by
 * a scenario label id=L that later directives refer to):
 *
 *  alpcport id=L kind=connection name=\PATH pid=SERVER [unnamed] [waitable]
 *           [completion] [closed] [nohandle]
 *       (`nohandle`: the server holds no handle to it nor to the server
 *       communication ports of its connections, as when it is exiting)
 *       A server connection port (type "ALPC Port", pool tag ALPC) owned by
 *       SERVER, with its own CommunicationInfo (ConnectionPort = itself).
 *       `completion`: an I/O completion port is attached (thread-pool server).
 *  alpcport id=L kind=client connect=CONNLABEL pid=CLIENT [server=L2]
 *           [disconnected] [closed]
 *       A connection: the client communication port L (owned by CLIENT, handle
 *       there) and the server communication port L2 (default "L.server",
 *       owned by the connection port's owner), sharing one CommunicationInfo.
 *  alpcmsg id=L msgid=N from=TID port=SENDPORT [queue=main|large|pending|direct|canceled|none]
 *          [queueport=PORT] [server=TID] [waiting=TID|none] [type=NUMBER] [callback=N]
 *          [data=HEX] [absent]
 *       A KALPC_MESSAGE (pool tag AlMs, a BLOB header in front) sent by TID on
 *       SENDPORT: OwnerPort = SENDPORT, WaitingThread = TID (a synchronous
 *       request) unless waiting= says otherwise, queued on the connection
 *       port's queue (or queueport=) with QueueType and the queue's length
 *       updated; ServerThread = server=. `absent`: its page is left out of
 *       the dump.
 *  alpcwait tid=T message=L
 *       T (declared with reason=WrLpcReply) waits for the reply to L:
 *       AlpcMessage = L, AlpcMessageId = its id.
 *  alpcreceive tid=T port=L
 *       T (declared with reason=WrLpcReceive) waits on L's WaitQueue
 *       (AlpcWaitListEntry), blocked on its AlpcWaitSemaphore.
 */
#ifndef LPCDUMP_FORGE_ALPC_H
#define LPCDUMP_FORGE_ALPC_H

#include "forge.h"

int fg_dir_alpcport(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_alpcmsg(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_alpcwait(struct fg_machine *m, int argc, char **argv, const char *where);
int fg_dir_alpcreceive(struct fg_machine *m, int argc, char **argv, const char *where);
/* The address of a labelled port (and its CommunicationInfo) or message,
 * 0 when there is none: for the damage directives. */
uint64_t fg_alpc_port_va(struct fg_machine *m, const char *label, uint64_t *ci);
uint64_t fg_alpc_message_va(struct fg_machine *m, const char *label);
/* forge_alpc_damage.c: tear ALPC structures after they are built.
 *  alpcdamage port=L what=main_loop|main_wild|pending_loop|wait_loop|wait_head_wild|
 *             comm_info_wild|self_connection
 *  alpcdamage message=L what=waiting_thread_wild|server_thread_wild|queue_type|lengths|owner_wild
 * (each kind is described in forge_alpc_damage.c) */
int fg_dir_alpcdamage(struct fg_machine *m, int argc, char **argv, const char *where);
void fg_alpc_finish(struct fg_machine *m);

#endif
