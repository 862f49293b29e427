/**
 * Body fields Retell's update operations accept, copied from the request types of `retell-sdk`
 * 5.66.1 (`AgentUpdateParams`, `LlmUpdateParams`, `PhoneNumberUpdateParams`, minus the `version`
 * query parameter). `test/retell-fields.test.ts` holds these lists to the SDK's declarations.
 */
export const AGENT_UPDATE_FIELDS: readonly string[] = [
  'agent_name',
  'allow_dtmf_interruption',
  'allow_user_dtmf',
  'ambient_sound',
  'ambient_sound_volume',
  'backchannel_frequency',
  'backchannel_words',
  'begin_message_delay_ms',
  'boosted_keywords',
  'call_screening_option',
  'custom_stt_config',
  'data_storage_retention_days',
  'data_storage_setting',
  'denoising_mode',
  'enable_backchannel',
  'enable_dynamic_responsiveness',
  'enable_dynamic_voice_speed',
  'enable_expressive_mode',
  'end_call_after_silence_ms',
  'expressive_emotion_tags',
  'expressive_mode_prompt',
  'fallback_voice_ids',
  'guardrail_config',
  'handbook_config',
  'interruption_sensitivity',
  'ivr_option',
  'language',
  'max_call_duration_ms',
  'opt_in_signed_url',
  'pii_config',
  'post_call_analysis_data',
  'post_call_analysis_model',
  'pronunciation_dictionary',
  'reminder_max_count',
  'reminder_trigger_ms',
  'response_engine',
  'responsiveness',
  'ring_duration_ms',
  'signed_url_expiration_ms',
  'stt_mode',
  'timezone',
  'user_dtmf_options',
  'version_description',
  'version_title',
  'vocab_specialization',
  'voice_emotion',
  'voice_id',
  'voice_model',
  'voice_speed',
  'voice_temperature',
  'voicemail_option',
  'volume',
  'webhook_events',
  'webhook_timeout_ms',
  'webhook_url',
];

export const LLM_UPDATE_FIELDS: readonly string[] = [
  'begin_after_user_silence_ms',
  'begin_message',
  'default_dynamic_variables',
  'general_prompt',
  'general_tools',
  'is_transfer_llm',
  'kb_config',
  'knowledge_base_ids',
  'mcps',
  'model',
  'model_high_priority',
  'model_temperature',
  'start_speaker',
  'starting_state',
  'states',
  'tool_call_strict_mode',
];

export const PHONE_NUMBER_UPDATE_FIELDS: readonly string[] = [
  'allowed_inbound_country_list',
  'allowed_outbound_country_list',
  'auth_password',
  'auth_username',
  'fallback_number',
  'inbound_agents',
  'inbound_sms_agents',
  'inbound_sms_webhook_url',
  'inbound_webhook_url',
  'nickname',
  'outbound_agents',
  'outbound_sms_agents',
  'termination_uri',
  'transport',
];

/** Fields whose value must be a string (or null) when sent, checked so typos in type surface. */
export const STRING_FIELDS: ReadonlySet<string> = new Set([
  'agent_name',
  'voice_id',
  'version_title',
  'version_description',
  'general_prompt',
  'begin_message',
  'model',
  'nickname',
]);

/** Fields whose value must be an array (or null) when sent. */
export const ARRAY_FIELDS: ReadonlySet<string> = new Set(['general_tools', 'states', 'knowledge_base_ids']);

/** Defaults a seeded agent version has (the fields a new agent shows in the dashboard). */
export const DEFAULT_AGENT_CONFIG: Readonly<Record<string, unknown>> = {
  agent_name: null,
  voice_id: 'retell-Cimo',
  language: 'en-US',
};

/** Defaults a seeded Retell LLM has. */
export const DEFAULT_LLM_CONFIG: Readonly<Record<string, unknown>> = {
  general_prompt: null,
  begin_message: null,
  model: 'gpt-4.1',
  start_speaker: 'agent',
  general_tools: [],
};
