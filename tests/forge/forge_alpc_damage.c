/* forge_alpc_damage.c — torn and hostile ALPC structures (directive
 * alpcdamage, forge_alpc.h), written over ports and messages the other ALPC
 * directives built, so that each kind lands on a field the decoder reads:
 *
 *  alpcdamage port=L what=...
 *   main_loop        the MainQueue's last message points back at its first
 *                    (Flink): a loop that never returns to the head
 *   main_wild        the MainQueue's last message's Flink points into
 *                    unmapped kernel space
 *   pending_loop     the same loop as main_loop, on the PendingQueue
 *   wait_loop        the same loop on the WaitQueue of receiving threads
 *   wait_head_wild   the WaitQueue head's Flink points into unmapped kernel
 *                    space: not one receiver can be reached
 *   comm_info_wild   CommunicationInfo points into unmapped kernel space
 *   self_connection  the CommunicationInfo L shares names L itself as its
 *                    ConnectionPort (L is a communication port)
 *  alpcdamage message=L what=...
 *   waiting_thread_wild  WaitingThread points into unmapped kernel space
 *   server_thread_wild   ServerThread points into unmapped kernel space
 *   queue_type           QueueType holds all ones (7 on 8+, 3 on Vista/7)
 *   lengths              DataLength 0xffff, TotalLength 0x10: more data than
 *                        the message holds, a total shorter than its header
 *   owner_wild           OwnerPort and ConnectionPort point into unmapped
 *                        kernel space */
#include "forge-priv.h"
#include "forge_alpc.h"

#include <string.h>

#define PORT_T "_ALPC_PORT"
#define CI_T "_ALPC_COMMUNICATION_INFO"
#define MSG_T "_KALPC_MESSAGE"
#define PM_T "_PORT_MESSAGE"

static unsigned ptr_size(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X64 ? 8 : 4;
}

/* Kernel addresses no page backs (the forge maps nothing there). */
static uint64_t wild(const struct fg_machine *m)
{
	return m->arch == LD_ARCH_X64 ? 0xfffffa80dead0000ull : 0xbad00000ull;
}

static uint64_t read_ptr(struct fg_machine *m, uint64_t va)
{
	uint64_t v = 0;
	fg_read(m, va, &v, ptr_size(m));
	return v;
}

/* A list whose last entry leads back to its first, past the head: a walk
 * from the head goes round the entries for ever unless it notices. The
 * first entry's Blink still names the head, so every entry is reached
 * before the loop closes. */
static void list_loop(struct fg_machine *m, uint64_t head, const char *what, const char *where)
{
	uint64_t first = read_ptr(m, head), last = read_ptr(m, head + ptr_size(m));
	if (first == head)
		fg_die(where, "alpcdamage %s: the list is empty", what);
	fg_write_ptr(m, last, first);                  /* last.Flink = first */
}

static void list_wild(struct fg_machine *m, uint64_t head, const char *what, const char *where)
{
	uint64_t last = read_ptr(m, head + ptr_size(m));
	if (last == head)
		fg_die(where, "alpcdamage %s: the list is empty", what);
	fg_write_ptr(m, last, wild(m));
}

static uint64_t port_of(struct fg_machine *m, const char *label, uint64_t *ci, const char *where)
{
	uint64_t va = fg_alpc_port_va(m, label, ci);
	if (!va)
		fg_die(where, "alpcdamage port=%s: no such ALPC port label", label);
	return va;
}

static void damage_port(struct fg_machine *m, const char *label, const char *what, const char *where)
{
	uint64_t ci, p = port_of(m, label, &ci, where);
	if (!strcmp(what, "main_loop"))
		list_loop(m, p + fg_offset(m, PORT_T, "MainQueue"), what, where);
	else if (!strcmp(what, "main_wild"))
		list_wild(m, p + fg_offset(m, PORT_T, "MainQueue"), what, where);
	else if (!strcmp(what, "pending_loop"))
		list_loop(m, p + fg_offset(m, PORT_T, "PendingQueue"), what, where);
	else if (!strcmp(what, "wait_loop"))
		list_loop(m, p + fg_offset(m, PORT_T, "WaitQueue"), what, where);
	else if (!strcmp(what, "wait_head_wild"))
		fg_write_ptr(m, p + fg_offset(m, PORT_T, "WaitQueue"), wild(m) + 0x4000);
	else if (!strcmp(what, "comm_info_wild"))
		fg_set(m, p, PORT_T, "CommunicationInfo", wild(m));
	else if (!strcmp(what, "self_connection"))
		fg_set(m, ci, CI_T, "ConnectionPort", p);
	else
		fg_die(where, "alpcdamage port= what=%s: main_loop, main_wild, pending_loop, wait_loop, "
			      "wait_head_wild, comm_info_wild or self_connection", what);
}

static void damage_message(struct fg_machine *m, const char *label, const char *what, const char *where)
{
	uint64_t msg = fg_alpc_message_va(m, label);
	if (!msg)
		fg_die(where, "alpcdamage message=%s: no such message label", label);
	uint64_t pm = msg + fg_offset(m, MSG_T, "PortMessage");
	if (!strcmp(what, "waiting_thread_wild")) {
		fg_set(m, msg, MSG_T, "WaitingThread", wild(m));
	} else if (!strcmp(what, "server_thread_wild")) {
		fg_set(m, msg, MSG_T, "ServerThread", wild(m) + 0x1000);
	} else if (!strcmp(what, "queue_type")) {
		fg_set(m, msg, MSG_T, "u1.s1.QueueType", 0xff);   /* masked to the field's width */
	} else if (!strcmp(what, "lengths")) {
		fg_set(m, pm, PM_T, "u1.s1.DataLength", 0xffff);
		fg_set(m, pm, PM_T, "u1.s1.TotalLength", 0x10);
	} else if (!strcmp(what, "owner_wild")) {
		fg_set(m, msg, MSG_T, "OwnerPort", wild(m) + 0x2000);
		fg_set_opt(m, msg, MSG_T, "ConnectionPort", wild(m) + 0x3000);
	} else {
		fg_die(where, "alpcdamage message= what=%s: waiting_thread_wild, server_thread_wild, queue_type, "
			      "lengths or owner_wild", what);
	}
}

int fg_dir_alpcdamage(struct fg_machine *m, int argc, char **argv, const char *where)
{
	const char *what = fg_arg(argc, argv, "what"), *port = fg_arg(argc, argv, "port");
	const char *message = fg_arg(argc, argv, "message");
	if (!what || !port == !message)
		fg_die(where, "alpcdamage needs what= and one of port= or message=");
	if (port)
		damage_port(m, port, what, where);
	else
		damage_message(m, message, what, where);
	return 0;
}
