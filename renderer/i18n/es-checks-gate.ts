// Español: A's: the check gate (denial final, dates, overturned denials) (part of es-firearms.ts, under firearms.gate). Same keys as en-checks-gate.ts.
import type { enChecksGate } from './en-checks-gate.ts';

export const esChecksGate: typeof enChecksGate = {
  refused: 'Entrega rechazada: {{why}}',
  allowed: 'Entrega permitida: {{why}}',
  reason: {
    no_check:
      'primero haga una verificación de antecedentes (o registre un permiso que califique).',
    subject_changed:
      'el comprador o las armas cambiaron desde la verificación: haga una verificación nueva.',
    denied:
      'la verificación fue denegada (18 U.S.C. 922(d)). Un permiso o una autorización del supervisor no cambian una denegación; solo una denegación revocada por NICS o el estado tras una apelación.',
    cancelled: 'la verificación fue cancelada: haga una verificación nueva.',
    waiting: 'la verificación aún no tiene respuesta: registre la respuesta primero.',
    delayed_wait:
      'la verificación está demorada: la transferencia puede seguir el {{mayProceedOn}} si antes no llega una denegación.',
    no_default_proceed:
      '{{state}} no permite que una transferencia demorada siga por defecto: espere la respuesta final.',
    expired:
      'los 30 días de la verificación terminaron (último día válido {{lastValidDay}}): haga una verificación nueva.',
    expiredNoDate: 'la verificación venció: haga una verificación nueva.',
    calendar_missing:
      'no está instalado el calendario de feriados de las oficinas estatales de {{state}} para {{year}}: confirme a mano con NICS o el estado el día en que puede seguir la transferencia, y actualice Backroom.',
  },
  basis: {
    proceed: 'NICS o el estado respondió Proceder.',
    default_proceed: 'terminó el plazo de espera sin denegación.',
    permit: 'hay un permiso estatal que califica registrado para este 4473.',
    override: 'un supervisor autorizó tras la espera federal, ante la retención estatal.',
    denial_overturned: 'NICS o el estado revocó la denegación.',
  },
  deniedOn: 'Denegada el {{date}}',
  overturnedOn: 'Denegación revocada el {{date}}, referencia {{reference}}',
  overturn: 'Denegación revocada',
  overturnTitle: 'Registrar una denegación revocada: 4473 {{form}}',
  overturnWarning:
    'Regístrelo solo cuando NICS o el estado le haya comunicado, tras una apelación, que la denegación fue revocada. Un permiso, un supervisor o la palabra del comprador no bastan. Queda registrado con su nombre.',
  overturnOn: 'Día en que NICS o el estado revocó la denegación',
  overturnReference: 'Referencia dada con la respuesta (número de apelación o NTN)',
  overturnConfirm: 'Tengo delante la respuesta de revocación de NICS o del estado',
  overturnSubmit: 'Registrar la revocación',
  overturned: 'La denegación quedó registrada como revocada.',
  calendarMissing:
    'No está instalado el calendario de feriados de las oficinas estatales de {{state}} para {{year}}: no se puede contar el día en que esta verificación puede seguir. Confírmelo a mano con NICS o el estado.',
  startedOn: 'Formulario 4473 iniciado el',
  startedOnHint:
    'El día en que el comprador empezó el 4473. Ningún contacto ni respuesta puede tener fecha anterior.',
  dates: {
    date_in_future:
      'Esa fecha es posterior a hoy en la tienda ({{today}}): ingrese el día en que realmente ocurrió.',
    date_before_4473:
      'Esa fecha es anterior al inicio de este 4473 ({{startedOn}}): ingrese el día en que realmente ocurrió.',
    date_out_of_order:
      'Esa fecha es anterior a la entrada previa de esta verificación ({{previous}}): las respuestas se registran en el orden en que llegaron.',
    before_denial: 'Esa fecha es anterior a la denegación ({{deniedOn}}).',
  },
  serverDates: {
    date_in_future:
      'Una fecha es posterior a hoy en la tienda: ingrese el día en que realmente ocurrió.',
    date_before_4473:
      'Una fecha es anterior al inicio del 4473: ingrese el día en que realmente ocurrió.',
    date_out_of_order:
      'Una fecha es anterior a la entrada previa de esta verificación: las respuestas se registran en el orden en que llegaron.',
    denial_stands:
      'Una verificación de este 4473 fue denegada: una verificación nueva no anula una denegación. Si NICS o el estado la revocó, registre “Denegación revocada” en esa verificación.',
  },
  permitNote: 'Un permiso exime de hacer la verificación; nunca anula una denegación recibida.',
  permitFuture: 'La fecha de emisión es posterior a hoy en la tienda ({{today}}).',
  trail: {
    submit: 'Enviada',
    proceed: 'Proceder',
    delayed: 'Demorada',
    denied: 'Denegada',
    cancelled: 'Cancelada',
    expire: 'Marcada como vencida',
    overturned: 'Denegación revocada',
    override: 'Autorización del supervisor',
  },
  trailLabel: 'Respuestas registradas',
  stillReserved_one:
    'El arma sigue reservada para este comprador: ábrala en el libro de registro y cancele su disposición para devolverla al inventario.',
  stillReserved_other:
    'Las {{count}} armas siguen reservadas para este comprador: abra cada una en el libro de registro y cancele su disposición para devolverla al inventario.',
};
