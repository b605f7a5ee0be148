; hello.s — print a string stored in memory.
;
; The text is laid out by `.string`: one character per word, then a 0 word that marks its end. The loop
; loads each word through a memory operand [r2], the address in r2, and writes it to the console (port 0).
; Every load is relocated and bounds-checked (PG1.md §2); at boot R = (0, q), so virtual = physical.

start:  LI r2, msg              ; r2 = address of the first character
next:   LD r1, [r2]             ; r1 = E[r2]
        JZ r1, done             ; the 0 word ends the string
        OUT r1, 0               ; print it as a character
        ADDI r2, 1              ; on to the next word
        JMP next
done:   HALT

msg:    .string "Hello, world!\n"
