/* The loopback delay service: see serve.c. */
#ifndef MB_SERVE_H
#define MB_SERVE_H

/* `modebench serve [--port N]`: runs the service in the foreground. */
int mb_serve_main(int argc, char **argv);

#endif
