# Writes MB_OUT, a C file defining `const char MB_NAME[]` that holds the
# bytes of MB_IN and a final NUL, so a text file (harness/python/mbpy.py)
# travels inside the binary. Run as
#   cmake -DMB_IN=FILE -DMB_OUT=FILE.c -DMB_NAME=NAME -P embed_text.cmake
file(READ ${MB_IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes a line
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE ${MB_OUT}.tmp "/* Generated from ${MB_IN} by cmake/embed_text.cmake. */\n"
     "extern const char ${MB_NAME}[];\n"
     "const char ${MB_NAME}[] = {\n${bytes}0x00};\n")
file(RENAME ${MB_OUT}.tmp ${MB_OUT})
